/**
 * The representative. {@link io.subnetcast.core.send.Representative} is one term of an agent as
 * its session's representative, from its election to stepping down: the download beside the start
 * delay, the pass, the End messages, serving repairs, the beacons and the
 * {@link io.subnetcast.core.send.MemberTable} of its members' reports, with its phases on the
 * common state-machine form; {@link io.subnetcast.core.send.PeerAwarePassPolicy} decides per block
 * whether the pass sends, skips or waits, and which missing blocks repair rather than the download
 * takes. {@link io.subnetcast.core.send.PassSender} is the term's data path: the paced pass with its
 * manifest announcements, NAK intake within each member's retransmission budget, retransmission
 * rounds and the adaptive rate. Under it, the {@link io.subnetcast.core.send.Pacer} spreads packets
 * evenly at the current rate and the {@link io.subnetcast.core.send.BlockSender} decides which chunk
 * of which block goes next (retransmissions first, the pass at the pace of the download). None of
 * them does I/O: datagrams and downloads leave through the
 * {@link io.subnetcast.core.send.RepresentativeHost} the session agent implements.
 * {@link io.subnetcast.core.send.ReportSchedule} says how often members report their status (and
 * every agent its holdings) in a session of a given size, and so when the member table forgets a
 * silent member.
 */
package io.subnetcast.core.send;
