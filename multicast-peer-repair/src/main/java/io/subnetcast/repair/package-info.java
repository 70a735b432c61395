/**
 * Peer repair: after the multicast pass, an agent completes the blocks it still lacks from peers
 * that hold them, over unicast HTTP/1.1 range requests to their block servers, and from the origin
 * only for blocks no reachable peer holds.
 *
 * <p>{@link io.subnetcast.repair.PeerRepairer} is the decision logic, without I/O: which chunks of
 * which block to ask which holder for (the least loaded, so the representative is not the only
 * source), how many requests run at once, when a request has stalled, and which peers are banned
 * because they served bytes that failed verification. It moves bytes through the agent's
 * {@link io.subnetcast.core.repair.PeerTransfer}: {@link io.subnetcast.core.fetch.HttpPeerTransfer}
 * on real networks, a simulated one in tests. {@link io.subnetcast.repair.PeerRepair} plugs it into
 * an engine.
 */
package io.subnetcast.repair;
