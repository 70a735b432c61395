package io.subnetcast.core.delta;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Weak checksum → units with that checksum, for the scanner's per-byte lookup: built once from
 * an index, flat {@code int} arrays, no boxing.
 *
 * <p>Three parts. A filter bitmap of 64 bits per unit (at most 16 MiB) lets about one window of
 * unrelated bytes in 64 through to the table and stays in cache far better than the table would
 * (128 KiB for a 64 MiB package at 4096-byte units; with 16 bits per unit a scan of unrelated bytes
 * ran at about half the speed, its time going to table probes). An open-addressing table with
 * linear probing maps each distinct weak value to the first unit of its chain. {@code next} chains
 * every unit sharing that weak value, in ascending order, so that units of identical content (zero
 * pages) are all found from one match.
 *
 * <p>Chains lose the units a scanner has already found ({@link #firstUnfound}), so a run of
 * repeated content costs one chain walk per byte only until its units are found. Not thread-safe.
 */
final class WeakTable {
    private static final int EMPTY = -1;
    private static final int EXHAUSTED = -2;
    private static final int FILTER_BITS_PER_UNIT = 64;
    private static final int MIN_FILTER_LOG2 = 6;
    private static final int MAX_FILTER_LOG2 = 27;
    private static final int MIN_SLOTS_LOG2 = 4;

    private final long[] filter;
    private final int filterShift;
    private final int[] keys;
    // First unit of the slot's chain, EMPTY for an unused slot, EXHAUSTED when all were found.
    private final int[] heads;
    // Per slot whose units were all found: one of them, so that a window of known content is recognised.
    private final int[] known;
    private final int slotShift;
    private final int[] next;

    /**
     * @param index the index
     * @param units the units to take, {@code [0, units)}: those whose weak value is over a whole
     *     unit (a short last unit is left out, its window differs)
     */
    WeakTable(UnitIndex index, int units) {
        int filterLog2 = clamp(log2Ceil((long) units * FILTER_BITS_PER_UNIT), MIN_FILTER_LOG2,
                MAX_FILTER_LOG2);
        filter = new long[1 << (filterLog2 - 6)];
        filterShift = 32 - filterLog2;
        int slotsLog2 = Math.max(MIN_SLOTS_LOG2, log2Ceil(2L * units));
        keys = new int[1 << slotsLog2];
        heads = new int[1 << slotsLog2];
        known = new int[1 << slotsLog2];
        java.util.Arrays.fill(known, -1);
        Arrays.fill(heads, EMPTY);
        slotShift = 32 - slotsLog2;
        next = new int[units];
        // Backwards, so that each chain ends up in ascending unit order.
        for (int unit = units - 1; unit >= 0; unit--) {
            int weak = index.weakOf(unit);
            int bit = mix(weak) >>> filterShift;
            filter[bit >>> 6] |= 1L << bit;
            int slot = probe(weak);
            next[unit] = heads[slot];
            keys[slot] = weak;
            heads[slot] = unit;
        }
    }

    /**
     * @param weak a weak checksum
     * @return false when no unit has it for sure; true when one may
     */
    boolean mayContain(int weak) {
        int bit = mix(weak) >>> filterShift;
        return (filter[bit >>> 6] & (1L << bit)) != 0;
    }

    /**
     * The scanner's per-byte loop: rolls the window from {@code pos} until its checksum passes
     * the filter or no byte is left to roll in. Kept here, in one tight method with the filter in
     * locals, because it is where a scan of unrelated bytes spends its time.
     *
     * @param b the basis bytes
     * @param pos start of the current window, whose checksum is {@code h}
     * @param lastRoll last window start from which the window can still roll ({@code limit - n - 1})
     * @param h checksum of the window at {@code pos}
     * @param n window length
     * @param outFactor {@link RollingChecksum#outFactor(int)} of {@code n}
     * @return the window reached, packed: position in the high 32 bits, checksum in the low 32;
     *     its checksum passes the filter, or its position is {@code lastRoll + 1}
     */
    long seek(byte[] b, int pos, int lastRoll, int h, int n, int outFactor) {
        long[] bits = filter;
        int shift = filterShift;
        int p = pos;
        int weak = h;
        while (true) {
            int bit = mix(weak) >>> shift;
            if ((bits[bit >>> 6] & (1L << bit)) != 0 || p > lastRoll) {
                return ((long) p << 32) | (weak & 0xFFFFFFFFL);
            }
            weak = RollingChecksum.roll(weak, b[p], b[p + n], outFactor);
            p++;
        }
    }

    /**
     * @param weak a weak checksum
     * @return the slot of its chain, or -1 if no unit has it
     */
    int slotOf(int weak) {
        int slot = probe(weak);
        return heads[slot] == EMPTY ? -1 : slot;
    }

    /**
     * Drops found units from a chain and gives its first unit left.
     *
     * @param slot a slot from {@link #slotOf}
     * @param found units found so far
     * @return the first unit not found, or -1
     */
    int firstUnfound(int slot, BitSet found) {
        int head = -1;
        int previous = -1;
        for (int unit = heads[slot]; unit >= 0; unit = next[unit]) {
            if (found.get(unit)) {
                if (known[slot] < 0) {
                    known[slot] = unit;
                }
                continue;
            }
            if (previous < 0) {
                head = unit;
            } else {
                next[previous] = unit;
            }
            previous = unit;
        }
        if (previous >= 0) {
            next[previous] = -1;
        }
        heads[slot] = head < 0 ? EXHAUSTED : head;
        return head;
    }

    /**
     * @param slot a slot from {@link #slotOf}
     * @return a unit of the slot's weak value that was found and dropped from its chain, or -1
     */
    int knownUnit(int slot) {
        return known[slot];
    }

    /**
     * @param unit a unit in a chain
     * @return the next unit of its chain, or -1
     */
    int next(int unit) {
        return next[unit];
    }

    private int probe(int weak) {
        int mask = keys.length - 1;
        int slot = mix(weak) >>> slotShift;
        while (heads[slot] != EMPTY && keys[slot] != weak) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    // The weak values' low bits are their weakest (a polynomial modulo 2^32); an odd multiply
    // carries every bit into the high ones, which index the filter and the table.
    private static int mix(int weak) {
        return weak * 0x9E3779B9;
    }

    private static int log2Ceil(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
