/**
 * What an agent knows about its peers in a session, and what it tells them: the blocks each one
 * holds (from their {@code Have} advertisements, {@link io.subnetcast.core.peers.PeerDirectory})
 * and where to fetch them, and this agent's own advertisements
 * ({@link io.subnetcast.core.peers.HaveAdvertiser}). Used by the representative to decide which
 * retransmissions are worth a multicast, and by peer repair to spread its requests over holders.
 */
package io.subnetcast.core.peers;
