package io.subnetcast.core.fetch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Delay before a retry: exponential, capped, with "equal jitter" (half the delay fixed, half
 * random), as described in the AWS Architecture Blog's "Exponential Backoff and Jitter". The fixed
 * half keeps retries from hammering a struggling origin; the random half spreads many agents that
 * failed at the same moment.
 */
final class Backoff {
    private final long initialNs;
    private final long maxNs;
    private final LongUnaryOperator random;

    /**
     * @param initial delay before the first retry, before jitter
     * @param max longest delay
     */
    Backoff(Duration initial, Duration max) {
        this(initial, max, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * @param initial delay before the first retry, before jitter
     * @param max longest delay
     * @param random gives a value in {@code [0, bound)} for a positive bound; a seam for tests
     */
    Backoff(Duration initial, Duration max, LongUnaryOperator random) {
        this.initialNs = initial.toNanos();
        this.maxNs = max.toNanos();
        this.random = random;
        if (initialNs <= 0 || maxNs < initialNs) {
            throw new IllegalArgumentException("need 0 < initial backoff <= max backoff: " + initial + ", " + max);
        }
    }

    /**
     * @param failures how many attempts failed so far, 1 or more
     * @return the delay before the next attempt in nanoseconds, within
     *     {@code [d/2, d]} where {@code d = min(max, initial * 2^(failures-1))}
     */
    long delayNanos(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 62));
        long base = initialNs;
        for (int i = 0; i < doublings && base < maxNs; i++) {
            base = base > maxNs / 2 ? maxNs : base * 2;
        }
        base = Math.min(base, maxNs);
        long half = base / 2;
        long jitterBound = base - half + 1;
        return half + random.applyAsLong(jitterBound);
    }
}
