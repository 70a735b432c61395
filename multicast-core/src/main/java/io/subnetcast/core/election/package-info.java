/**
 * Election of one representative per task per subnet, and its succession.
 *
 * <p>{@link io.subnetcast.core.election.Election} runs discovery and claiming: agents that find no
 * session claim it; claims are ranked by {@link io.subnetcast.core.election.Rank} (configured
 * priority, then bytes already held, as 1E Nomad's election prefers the agent with the most
 * content, then node id), so every agent that hears the same claims reaches the same verdict
 * without synchronised clocks. Claims are sent after a random back-off and suppressed when a better
 * claim was already heard, so fifty simultaneous starters send few claims.
 *
 * <p>{@link io.subnetcast.core.election.Succession} decides what happens between terms: which
 * representative is followed ({@link io.subnetcast.core.election.Leader}), when a sitting
 * representative hands over to a rival (only on evidence of it,
 * {@link io.subnetcast.core.election.RivalEvidence}, so a forged beacon cannot unseat it), and how
 * long a successor's start delay is.
 */
package io.subnetcast.core.election;
