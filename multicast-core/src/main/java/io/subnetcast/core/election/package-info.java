/**
 * Election of one representative per task per subnet.
 *
 * <p>Agents that find no session claim it; claims are ranked by {@link io.subnetcast.core.election.Rank}
 * (configured priority, then bytes already held, as 1E Nomad's election prefers the agent with the
 * most content, then node id), so every agent that hears the same claims reaches the same
 * verdict without synchronised clocks. Claims are sent after a random back-off and suppressed when
 * a better claim was already heard, so fifty simultaneous starters send few claims.
 */
package io.subnetcast.core.election;
