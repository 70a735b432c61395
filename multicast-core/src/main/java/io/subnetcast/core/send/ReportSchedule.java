package io.subnetcast.core.send;

import java.util.random.RandomGenerator;

/**
 * How often an agent reports in a session of a given size: a member its status to the
 * representative, every agent its holdings to its peers. Each reports at its configured interval
 * until the group's reports together would exceed a budget per second; beyond that size each
 * agent's interval grows with the group, so that the control traffic every agent receives (and
 * the representative decodes) stays the same whatever the number of agents. This is RTCP's scaling
 * of receiver reports (RFC 3550, section 6.2), with its randomised interval (section 6.3.1) so that
 * agents that joined together do not report together. A listener that forgets silent reporters
 * waits for the stretched interval too.
 *
 * @param statusIntervalNs a member's status interval while the session is small
 * @param statusesPerSecond status reports all members may send per second together
 * @param advertIntervalNs an agent's holdings-advert interval while the session is small
 * @param advertsPerSecond adverts all agents may send per second together
 * @param silenceTimeoutNs the configured silence after which a member or peer is forgotten
 */
public record ReportSchedule(long statusIntervalNs, int statusesPerSecond, long advertIntervalNs, int advertsPerSecond,
                             long silenceTimeoutNs) {
    /** A stretched interval is drawn from [1/2, 3/2) of itself, as RTCP draws its report times. */
    private static final double MIN_SPREAD = 0.5;
    /** A reporter is forgotten after this many of its longest intervals without a word. */
    private static final int SILENT_INTERVALS = 3;

    /**
     * @param members the session's members, as the representative counts them
     * @return nanoseconds between one member's status reports
     */
    public long statusIntervalNs(int members) {
        return stretched(statusIntervalNs, members, statusesPerSecond);
    }

    /**
     * @param agents the session's agents (members and representative)
     * @return nanoseconds between one agent's holdings adverts
     */
    public long advertIntervalNs(int agents) {
        return stretched(advertIntervalNs, agents, advertsPerSecond);
    }

    /** @return when, from now, a member's next status is due (see {@link #nextDelayNs}) */
    public long nextStatusDelayNs(int members, RandomGenerator random) {
        return nextDelayNs(statusIntervalNs, statusIntervalNs(members), random);
    }

    /** @return when, from now, an agent's next advert is due (see {@link #nextDelayNs}) */
    public long nextAdvertDelayNs(int agents, RandomGenerator random) {
        return nextDelayNs(advertIntervalNs, advertIntervalNs(agents), random);
    }

    /**
     * When, from now, a member reports news that every member may have at about the same moment
     * (its copy complete, after one parity burst repaired everyone): at once while the session is
     * small; in a stretched session at a random point of one status interval, so that the
     * representative hears the members' news at the status budget's rate and not all together
     * (the member lingers until it reported).
     *
     * @return 0 or a delay in [0, the stretched status interval)
     */
    public long statusNewsDelayNs(int members, RandomGenerator random) {
        return newsDelayNs(statusIntervalNs, statusIntervalNs(members), random);
    }

    /** @return when, from now, an agent advertises news every agent may have at once (see {@link #statusNewsDelayNs}) */
    public long advertNewsDelayNs(int agents, RandomGenerator random) {
        return newsDelayNs(advertIntervalNs, advertIntervalNs(agents), random);
    }

    private static long newsDelayNs(long minimumNs, long intervalNs, RandomGenerator random) {
        return intervalNs <= minimumNs ? 0 : random.nextLong(intervalNs);
    }

    /** @return silence after which the representative forgets a member of a session this size */
    public long memberSilenceNs(int members) {
        return silence(statusIntervalNs(members));
    }

    /** @return silence after which an agent forgets a peer's adverts in a session this size */
    public long advertSilenceNs(int agents) {
        return silence(advertIntervalNs(agents));
    }

    private static long stretched(long minimumNs, int groupSize, int perSecond) {
        long shared = (long) Math.max(1, groupSize) * 1_000_000_000L / Math.max(1, perSecond);
        return Math.max(minimumNs, shared);
    }

    /**
     * The configured interval exactly while the group is small (timers stay as configured); a
     * stretched one randomised over [1/2, 3/2) of itself.
     */
    private static long nextDelayNs(long minimumNs, long intervalNs, RandomGenerator random) {
        if (intervalNs <= minimumNs) {
            return minimumNs;
        }
        return Math.max(minimumNs / 2, (long) (intervalNs * (MIN_SPREAD + random.nextDouble())));
    }

    private long silence(long intervalNs) {
        return Math.max(silenceTimeoutNs, (long) (SILENT_INTERVALS * (MIN_SPREAD + 1) * intervalNs));
    }
}
