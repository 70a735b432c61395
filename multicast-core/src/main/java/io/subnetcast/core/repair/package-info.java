/**
 * Gap repair, the part of the protocol that completes a member's blocks the multicast pass and its
 * retransmission round left out: during the pass for the blocks it went by, and after it
 * ({@link io.subnetcast.core.repair.RepairPlanner} decides which, and when). This package holds the port between the session and a repair
 * strategy: {@link io.subnetcast.core.repair.GapRepair} (driven with the time, like the session),
 * {@link io.subnetcast.core.repair.RepairContext} (what it may see of the session) and
 * {@link io.subnetcast.core.repair.PeerTransfer} (how it moves bytes, with completions delivered on
 * the agent's thread). The peer-repair strategy itself lives in {@code multicast-peer-repair}; the
 * HTTP binding of the transfer is {@link io.subnetcast.core.fetch.HttpPeerTransfer}.
 */
package io.subnetcast.core.repair;
