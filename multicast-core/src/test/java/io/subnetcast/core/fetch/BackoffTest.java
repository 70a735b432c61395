package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final long MS = 1_000_000L;

    @Test
    void doublesUpToTheCapWithEqualJitter() {
        Backoff low = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), bound -> 0);
        Backoff high = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), bound -> bound - 1);
        long[] expected = {200, 400, 800, 1600, 3200, 6400, 10_000, 10_000};
        for (int failures = 1; failures <= expected.length; failures++) {
            long d = expected[failures - 1] * MS;
            assertEquals(d / 2, low.delayNanos(failures), "failures " + failures);
            assertEquals(d, high.delayNanos(failures), "failures " + failures);
        }
    }

    @Test
    void neverOverflowsForManyFailures() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        for (int failures : new int[] {1, 63, 64, 1000, Integer.MAX_VALUE}) {
            long d = b.delayNanos(failures);
            assertTrue(d >= 100 * MS && d <= 10_000 * MS, failures + " -> " + d);
        }
    }

    @Test
    void rejectsInconsistentBounds() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
