package io.subnetcast.core.clock;

/**
 * A monotonic clock in nanoseconds. Values only make sense relative to each other; compare
 * deadlines overflow-safely, as {@code deadlineNs - nowNs <= 0}.
 */
@FunctionalInterface
public interface NanoClock {
    /**
     * Returns the current monotonic time.
     *
     * @return nanoseconds from an arbitrary origin
     */
    long nanoTime();

    /**
     * Returns the system's monotonic clock.
     *
     * @return a clock backed by {@link System#nanoTime()}
     */
    static NanoClock system() {
        return SystemNanoClock.INSTANCE;
    }
}
