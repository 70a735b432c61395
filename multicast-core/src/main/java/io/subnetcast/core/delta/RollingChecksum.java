package io.subnetcast.core.delta;

import java.util.Objects;

/**
 * A 32-bit rolling checksum over a window of {@code n} bytes: a polynomial (Rabin-Karp) hash
 * modulo 2<sup>32</sup>,
 * <pre>
 *   h(b[0..n)) = T[b[0]]·M<sup>n-1</sup> + T[b[1]]·M<sup>n-2</sup> + ... + T[b[n-1]]   (mod 2<sup>32</sup>)
 * </pre>
 * that slides one byte in O(1): {@code h' = h·M - T[out]·M^n + T[in]}, in plain {@code int}
 * overflow arithmetic.
 *
 * <p>Why this form rather than rsync's Adler-like pair of sums: those sums are short (16 bits
 * each) and collide on any reordering that keeps both sums, so a weak hit costs a strong hash more
 * often. A polynomial with a large odd multiplier {@code M} (0x9E3779B1) is a
 * bijection per step and spreads every byte into the high bits.
 *
 * <p>Bytes are not used as they are but through a fixed table {@code T[b] = fmix32((b + 1) ·
 * 0x9E3779B9)} ({@code fmix32} is MurmurHash3's finaliser). With raw values a zero byte would add
 * nothing, so every run of zeros would hash to 0 whatever its length and runs of small values
 * would stay in the low bits; the table gives every byte value a well-mixed, non-zero 32-bit
 * weight. The table and {@code M} are part of the manifest format: weak values computed here are
 * stored in manifests, so neither may change.
 *
 * <p>The checksum is only a filter: a polynomial hash modulo a power of two has known structured
 * collisions (Thue-Morse sequences), which is harmless here because a unit counts only when its
 * strong hash matches too.
 *
 * <p>Instances are not thread-safe; the static methods are.
 */
public final class RollingChecksum {
    /** The multiplier {@code M}, odd so that multiplying by it is invertible modulo 2^32. */
    static final int MULTIPLIER = 0x9E3779B1;
    private static final int[] TABLE = byteTable();

    private final int window;
    private final int outFactor;
    private int value;

    /**
     * @param window the window length in bytes, at least 1
     * @throws IllegalArgumentException if it is not positive
     */
    public RollingChecksum(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 byte, got " + window);
        }
        this.window = window;
        this.outFactor = outFactor(window);
    }

    /**
     * The checksum of {@code length} bytes, as {@link #reset} and {@link #roll} would arrive at.
     *
     * @param data the bytes
     * @param offset first byte
     * @param length how many bytes, 0 or more
     * @return the checksum
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static int of(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        // Four interleaved lanes, each with multiplier M^4, break the multiply-add dependency chain
        // of the plain Horner loop (this runs once per unit after every match, so it is on the
        // path of a basis identical to the new version). First the bytes that do not fill a lane.
        int head = length & 3;
        int h = 0;
        int i = offset;
        for (int end = offset + head; i < end; i++) {
            h = h * MULTIPLIER + TABLE[data[i] & 0xff];
        }
        int m2 = MULTIPLIER * MULTIPLIER;
        int m3 = m2 * MULTIPLIER;
        int m4 = m2 * m2;
        int a0 = 0;
        int a1 = 0;
        int a2 = 0;
        int a3 = 0;
        for (int end = offset + length; i < end; i += 4) {
            a0 = a0 * m4 + TABLE[data[i] & 0xff];
            a1 = a1 * m4 + TABLE[data[i + 1] & 0xff];
            a2 = a2 * m4 + TABLE[data[i + 2] & 0xff];
            a3 = a3 * m4 + TABLE[data[i + 3] & 0xff];
        }
        return h * power(length - head) + a0 * m3 + a1 * m2 + a2 * MULTIPLIER + a3;
    }

    /**
     * Starts the window at {@code offset}.
     *
     * @param data the bytes
     * @param offset first byte of the window; {@code window} bytes must follow
     * @return the checksum of the window
     */
    public int reset(byte[] data, int offset) {
        value = of(data, offset, window);
        return value;
    }

    /**
     * Slides the window one byte.
     *
     * @param out the byte leaving (the window's first)
     * @param in the byte entering (the one just after the window)
     * @return the checksum of the new window
     */
    public int roll(byte out, byte in) {
        value = roll(value, out, in, outFactor);
        return value;
    }

    /** @return the checksum of the current window */
    public int value() {
        return value;
    }

    /** @return the window length in bytes */
    public int window() {
        return window;
    }

    /**
     * One rolling step on a checksum held by the caller, for the scanner's loop, which keeps the
     * value in a local.
     *
     * @param h checksum of the window
     * @param out byte leaving
     * @param in byte entering
     * @param outFactor {@link #outFactor(int)} of the window
     * @return checksum of the next window
     */
    static int roll(int h, byte out, byte in, int outFactor) {
        return h * MULTIPLIER - TABLE[out & 0xff] * outFactor + TABLE[in & 0xff];
    }

    /**
     * @param window window length
     * @return {@code M^window}, the weight a byte leaving the window had after one more step
     */
    static int outFactor(int window) {
        return power(window);
    }

    private static int power(int exponent) {
        int result = 1;
        int base = MULTIPLIER;
        for (int e = exponent; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }

    private static int[] byteTable() {
        int[] table = new int[256];
        for (int b = 0; b < 256; b++) {
            int x = (b + 1) * 0x9E3779B9;
            x ^= x >>> 16;
            x *= 0x85EBCA6B;
            x ^= x >>> 13;
            x *= 0xC2B2AE35;
            x ^= x >>> 16;
            table[b] = x;
        }
        return table;
    }
}
