package io.subnetcast.core.cache;

import java.util.Arrays;

/** A fixed-size bitmap of block presence, one bit per block in a {@code long[]}. Not thread-safe. */
public final class BlockBitmap {
    private final long[] words;
    private final int size;
    private int cardinality;

    /**
     * @param size number of bits
     */
    public BlockBitmap(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
    }

    /** @return the number of bits */
    public int size() {
        return size;
    }

    /** @return the number of set bits */
    public int cardinality() {
        return cardinality;
    }

    /**
     * @param index bit index
     * @return whether it is set
     */
    public boolean get(int index) {
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    /**
     * Sets a bit.
     *
     * @param index bit index
     * @return true if the bit was clear before
     */
    public boolean set(int index) {
        long mask = 1L << index;
        int word = index >>> 6;
        if ((words[word] & mask) != 0) {
            return false;
        }
        words[word] |= mask;
        cardinality++;
        return true;
    }

    /**
     * Clears a bit.
     *
     * @param index bit index
     * @return true if the bit was set before
     */
    public boolean clear(int index) {
        long mask = 1L << index;
        int word = index >>> 6;
        if ((words[word] & mask) == 0) {
            return false;
        }
        words[word] &= ~mask;
        cardinality--;
        return true;
    }

    /** Clears every bit. */
    public void clearAll() {
        Arrays.fill(words, 0L);
        cardinality = 0;
    }

    /**
     * @param from first index to look at
     * @return the first clear bit at or after {@code from}, or -1 if there is none
     */
    public int nextClear(int from) {
        if (from < 0) {
            from = 0;
        }
        for (int word = from >>> 6; word < words.length; word++) {
            long inverted = ~words[word];
            if (word == from >>> 6) {
                inverted &= -1L << from;
            }
            if (inverted != 0) {
                int index = (word << 6) + Long.numberOfTrailingZeros(inverted);
                return index < size ? index : -1;
            }
        }
        return -1;
    }

    /**
     * @param from first index to look at
     * @return the first set bit at or after {@code from}, or -1 if there is none
     */
    public int nextSet(int from) {
        if (from < 0) {
            from = 0;
        }
        for (int word = from >>> 6; word < words.length; word++) {
            long bits = words[word];
            if (word == from >>> 6) {
                bits &= -1L << from;
            }
            if (bits != 0) {
                int index = (word << 6) + Long.numberOfTrailingZeros(bits);
                return index < size ? index : -1;
            }
        }
        return -1;
    }
}
