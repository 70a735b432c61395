package io.subnetcast.core.session;

/**
 * Counts other agents' questions "is there a session of this task?" heard over the last ten to
 * twenty seconds: every agent that starts asks once (twice when nobody else asked meanwhile), so
 * the count tells a member how large the crowd that starts with it is before anyone reported. A
 * count since the task started would keep a small subnet whose agents restart now and then looking
 * like a crowd for good.
 */
final class RecentQuestions {
    /** Two periods of this length: questions heard in the current one and in the one before. */
    private static final long PERIOD_NS = 10_000_000_000L;

    private long periodStartNs;
    private boolean started;
    private int current;
    private int previous;

    /** Another agent asked. */
    void heard(long nowNs) {
        roll(nowNs);
        if (current < Integer.MAX_VALUE) {
            current++;
        }
    }

    /** @return questions heard in the current period and the one before it */
    int count(long nowNs) {
        roll(nowNs);
        return (int) Math.min(Integer.MAX_VALUE, (long) current + previous);
    }

    private void roll(long nowNs) {
        if (!started) {
            started = true;
            periodStartNs = nowNs;
            return;
        }
        long elapsed = nowNs - periodStartNs;
        if (elapsed < PERIOD_NS) {
            return;
        }
        previous = elapsed < 2 * PERIOD_NS ? current : 0;
        current = 0;
        periodStartNs = nowNs - elapsed % PERIOD_NS;
    }
}
