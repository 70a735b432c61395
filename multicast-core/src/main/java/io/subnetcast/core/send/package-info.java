/**
 * The sending side of the data path. {@link io.subnetcast.core.send.PassSender} is the
 * representative's data path for one term: the paced pass with its manifest announcements, NAK
 * intake within each member's retransmission budget, retransmission rounds and the adaptive rate.
 * Under it, the {@link io.subnetcast.core.send.Pacer} spreads packets evenly at the current rate
 * and the {@link io.subnetcast.core.send.BlockSender} decides which chunk of which block goes next
 * (retransmissions first, the pass at the pace of the download). None of them does I/O: datagrams
 * leave through the caller's port.
 */
package io.subnetcast.core.send;
