package io.subnetcast.core.send;

/**
 * The session settings a {@link Representative}'s term uses.
 *
 * @param beaconIntervalNs between beacons
 * @param reports how often members report, by the session's size: a silent member that is not
 *     complete is forgotten after {@link ReportSchedule#memberSilenceNs}
 * @param mtu datagram size on the data group
 * @param rateBitsPerSecond starting send rate
 * @param adaptiveRate whether members' loss reports adapt the rate
 * @param nakIntervalNs NAK interval, which spaces the retransmission rounds
 * @param nakThreshold members lacking a block above which a round multicasts it
 * @param maxMembers bound of the member table and the per-member budgets
 */
public record TermSettings(long beaconIntervalNs, ReportSchedule reports, int mtu, long rateBitsPerSecond,
                           boolean adaptiveRate, long nakIntervalNs, int nakThreshold, int maxMembers) {
}
