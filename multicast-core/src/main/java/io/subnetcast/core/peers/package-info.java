/**
 * What an agent knows about its peers in a session: the blocks each one holds (from their
 * {@code Have} advertisements) and where to fetch them. Used by the representative to decide which
 * retransmissions are worth a multicast, and by peer repair to spread its requests over holders.
 */
package io.subnetcast.core.peers;
