package io.subnetcast.core.send;

import java.util.Arrays;

/**
 * A first-in first-out queue of chunk keys ({@code block << 32 | offset}, never negative) that
 * refuses a key already queued, without boxing: a ring of {@code long}s for the order and an
 * open-addressing set (linear probing, backward-shift deletion) for membership. Queuing and taking
 * a chunk allocate nothing once the arrays have grown to the largest backlog seen; they never
 * shrink. Not thread-safe.
 */
final class ChunkQueue {
    private static final long FREE = -1L;
    private static final int INITIAL_CAPACITY = 16;

    private long[] ring = new long[INITIAL_CAPACITY];
    private int head;
    private int size;
    // Kept at most half full.
    private long[] keys = newKeys(2 * INITIAL_CAPACITY);

    /** @return keys queued */
    int size() {
        return size;
    }

    /**
     * @param key a chunk key, not negative
     * @return false if the key was already queued
     */
    boolean offer(long key) {
        if (key < 0) {
            throw new IllegalArgumentException("chunk key " + key);
        }
        if (contains(key)) {
            return false;
        }
        if (size == ring.length) {
            growRing();
        }
        ring[(head + size) & (ring.length - 1)] = key;
        size++;
        if (2 * size > keys.length) {
            growKeys();
        }
        insert(keys, key);
        return true;
    }

    /** @return the oldest key, or -1 when empty */
    long peek() {
        return size == 0 ? FREE : ring[head];
    }

    /** @return the oldest key, removed, or -1 when empty */
    long poll() {
        if (size == 0) {
            return FREE;
        }
        long key = ring[head];
        head = (head + 1) & (ring.length - 1);
        size--;
        remove(key);
        return key;
    }

    /**
     * @param key a chunk key
     * @return whether it is queued
     */
    boolean contains(long key) {
        int mask = keys.length - 1;
        for (int slot = home(key, mask); ; slot = (slot + 1) & mask) {
            long found = keys[slot];
            if (found == key) {
                return true;
            }
            if (found == FREE) {
                return false;
            }
        }
    }

    private void remove(long key) {
        int mask = keys.length - 1;
        int slot = home(key, mask);
        while (keys[slot] != key) {
            if (keys[slot] == FREE) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        // Backward-shift deletion: later keys of the probe run move into the hole when their home allows.
        int hole = slot;
        for (int next = (hole + 1) & mask; keys[next] != FREE; next = (next + 1) & mask) {
            if (((next - home(keys[next], mask)) & mask) >= ((next - hole) & mask)) {
                keys[hole] = keys[next];
                hole = next;
            }
        }
        keys[hole] = FREE;
    }

    private void growRing() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }

    private void growKeys() {
        long[] old = keys;
        keys = newKeys(old.length * 2);
        for (long key : old) {
            if (key != FREE) {
                insert(keys, key);
            }
        }
    }

    private static void insert(long[] table, long key) {
        int mask = table.length - 1;
        int slot = home(key, mask);
        while (table[slot] != FREE) {
            slot = (slot + 1) & mask;
        }
        table[slot] = key;
    }

    private static long[] newKeys(int capacity) {
        long[] table = new long[capacity];
        Arrays.fill(table, FREE);
        return table;
    }

    private static int home(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
