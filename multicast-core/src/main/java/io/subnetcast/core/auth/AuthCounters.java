package io.subnetcast.core.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of dropped datagrams, one per {@link AuthCounter}: written by the receiving thread, read
 * by any.
 */
public final class AuthCounters {
    private final AtomicLongArray counts = new AtomicLongArray(AuthCounter.values().length);

    /** Creates counters that all start at zero. */
    public AuthCounters() {
    }

    /** @param counter the one to add 1 to */
    void increment(AuthCounter counter) {
        counts.incrementAndGet(counter.ordinal());
    }

    /**
     * @param counter a counter
     * @return its value
     */
    public long get(AuthCounter counter) {
        return counts.get(counter.ordinal());
    }

    /** @return every counter's value, in declaration order */
    public Map<AuthCounter, Long> snapshot() {
        Map<AuthCounter, Long> values = new EnumMap<>(AuthCounter.class);
        for (AuthCounter counter : AuthCounter.values()) {
            values.put(counter, get(counter));
        }
        return values;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
