package io.subnetcast.core.clock;

import java.time.Duration;

/**
 * A clock that moves only when told to. Used by the simulated LAN and by state-machine tests, and
 * offered to embedders for their own deterministic tests. Not thread-safe by design: one owner
 * thread advances it.
 */
public final class ManualClock implements NanoClock {
    private long nowNs;

    /** Starts at an arbitrary non-zero origin so that code never mistakes zero for "unset". */
    public ManualClock() {
        this(1_000_000_000L);
    }

    /**
     * Starts at the given time.
     *
     * @param startNs the first value {@link #nanoTime()} returns
     */
    public ManualClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime() {
        return nowNs;
    }

    /**
     * Moves the clock forward.
     *
     * @param deltaNs nanoseconds to add; must not be negative, because a monotonic clock never goes back
     */
    public void advanceNs(long deltaNs) {
        if (deltaNs < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + deltaNs + " ns");
        }
        nowNs += deltaNs;
    }

    /**
     * Moves the clock forward.
     *
     * @param delta how far; must not be negative
     */
    public void advance(Duration delta) {
        advanceNs(delta.toNanos());
    }
}
