package io.subnetcast.core.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollingChecksumTest {
    @Test
    void rollingEqualsRecomputingAtEveryPosition() {
        byte[] data = new byte[20_000];
        new SplittableRandom(11).nextBytes(data);
        for (int window : new int[] {1, 2, 7, 512, 4096, 4099}) {
            RollingChecksum rolling = new RollingChecksum(window);
            assertEquals(RollingChecksum.of(data, 0, window), rolling.reset(data, 0));
            for (int pos = 1; pos + window <= data.length; pos++) {
                int rolled = rolling.roll(data[pos - 1], data[pos + window - 1]);
                assertEquals(RollingChecksum.of(data, pos, window), rolled,
                        "window " + window + " at " + pos);
                assertEquals(rolled, rolling.value());
            }
        }
    }

    @Test
    void ofIsThePolynomialOfTheByteWeights() {
        // The interleaved lanes of of() must give exactly Horner's sum of T[b] * M^(n-1-i).
        byte[] data = new byte[5000];
        new SplittableRandom(12).nextBytes(data);
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 4095, 4096, 4097}) {
            int horner = 0;
            for (int i = 3; i < 3 + length; i++) {
                horner = horner * RollingChecksum.MULTIPLIER + RollingChecksum.of(data, i, 1);
            }
            assertEquals(horner, RollingChecksum.of(data, 3, length), "length " + length);
        }
    }

    @Test
    void zeroRunsDoNotCollapse() {
        byte[] zeros = new byte[4096];
        Set<Integer> values = new HashSet<>();
        for (int length = 1; length <= 4096; length *= 2) {
            int value = RollingChecksum.of(zeros, 0, length);
            assertNotEquals(0, value, "zeros of length " + length);
            values.add(value);
        }
        assertEquals(13, values.size());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new RollingChecksum(0));
        assertThrows(IndexOutOfBoundsException.class, () -> RollingChecksum.of(new byte[10], 5, 6));
    }
}
