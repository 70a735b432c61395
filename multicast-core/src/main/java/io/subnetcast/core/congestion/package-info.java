/**
 * Congestion-adaptive send rate, without I/O: members measure loss and arrival rate over short
 * windows ({@link io.subnetcast.core.congestion.LossMeter}), take off what their own socket dropped
 * ({@link io.subnetcast.core.congestion.HostDrops}: a busy host, not the path) and report them in their
 * {@code Status} messages; the representative's {@link io.subnetcast.core.congestion.RateController}
 * sets its pacer's rate from those reports, between a floor and the configured rate, leaving slow
 * and unresponsive receivers to peer repair. The algorithm and its sources (TFMCC, RFC 4654; TFRC,
 * RFC 5348; RTCP report scaling, RFC 3550) are described on the controller.
 */
package io.subnetcast.core.congestion;
