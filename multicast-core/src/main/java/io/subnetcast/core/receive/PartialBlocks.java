package io.subnetcast.core.receive;

/**
 * The chunk bitmaps of partially received blocks, keyed by block index: an open-addressing table
 * with linear probing and backward-shift deletion, so that looking a block up on the per-datagram
 * path boxes nothing (a {@code HashMap<Integer, long[]>} allocates an {@code Integer} per lookup of
 * a block above 127, and a node per insertion).
 *
 * <p>Grows when half full and never shrinks; its size is bounded by the partial blocks of a task.
 * Not thread-safe.
 */
final class PartialBlocks {
    private static final int INITIAL_CAPACITY = 16;

    private int[] keys = new int[INITIAL_CAPACITY];
    // A null value marks an empty slot.
    private long[][] values = new long[INITIAL_CAPACITY][];
    private int size;

    /**
     * @param block block index
     * @return its bitmap, or null
     */
    long[] get(int block) {
        int mask = keys.length - 1;
        for (int slot = home(block, mask); ; slot = (slot + 1) & mask) {
            long[] bits = values[slot];
            if (bits == null || keys[slot] == block) {
                return bits;
            }
        }
    }

    /**
     * Adds a block that is not in the table.
     *
     * @param block block index
     * @param bits its bitmap, not null
     */
    void putNew(int block, long[] bits) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(block, bits);
        size++;
    }

    /**
     * @param block block index
     * @return the removed bitmap, or null if the block was not in the table
     */
    long[] remove(int block) {
        int mask = keys.length - 1;
        int slot = home(block, mask);
        while (true) {
            long[] bits = values[slot];
            if (bits == null) {
                return null;
            }
            if (keys[slot] == block) {
                break;
            }
            slot = (slot + 1) & mask;
        }
        long[] removed = values[slot];
        // Backward-shift deletion: move later entries of the probe run into the hole when their home
        // slot allows it, so that lookups never need tombstones.
        int hole = slot;
        for (int next = (hole + 1) & mask; values[next] != null; next = (next + 1) & mask) {
            int distanceFromHome = (next - home(keys[next], mask)) & mask;
            if (distanceFromHome >= ((next - hole) & mask)) {
                keys[hole] = keys[next];
                values[hole] = values[next];
                hole = next;
            }
        }
        values[hole] = null;
        size--;
        return removed;
    }

    /** @return blocks in the table */
    int size() {
        return size;
    }

    private void insert(int block, long[] bits) {
        int mask = keys.length - 1;
        int slot = home(block, mask);
        while (values[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = block;
        values[slot] = bits;
    }

    private void grow() {
        int[] oldKeys = keys;
        long[][] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new long[oldKeys.length * 2][];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int home(int block, int mask) {
        int h = block * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
