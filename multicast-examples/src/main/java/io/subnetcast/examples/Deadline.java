package io.subnetcast.examples;

import java.time.Duration;

/**
 * The end of a {@code --timeout}, on the monotonic clock.
 *
 * @param atNs {@link System#nanoTime()} at which time is up; {@link Long#MAX_VALUE} for none
 */
record Deadline(long atNs) {
    /** No limit. */
    static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    /**
     * @param startNs when the run started
     * @param timeout the limit; null or zero for none
     * @return the deadline
     */
    static Deadline after(long startNs, Duration timeout) {
        if (timeout == null || timeout.isZero()) {
            return NONE;
        }
        return new Deadline(startNs + timeout.toNanos());
    }

    /** @return nanoseconds left, 0 once expired, {@link Long#MAX_VALUE} without a limit */
    long remainingNanos() {
        if (atNs == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, atNs - System.nanoTime());
    }

    /** @return whether time is up */
    boolean isExpired() {
        return atNs != Long.MAX_VALUE && atNs - System.nanoTime() <= 0;
    }
}
