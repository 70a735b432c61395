package io.subnetcast.core.cache;

import java.io.IOException;
import java.util.Arrays;

/**
 * Some of a package's blocks, each with a SHA-256: which blocks in a {@link BlockBitmap}, their
 * digests packed in block order in one array, so that a million blocks cost one object and no
 * per-block allocation. An entry has two: the blocks present, with the digest each was committed
 * with, and the blocks a manifest gave a digest for. Not thread-safe.
 */
final class HashedBlockSet {
    private final BlockBitmap members;
    private final boolean memoryKept;
    private byte[] hashes;

    private HashedBlockSet(int blockCount, boolean memoryKept) {
        this.members = new BlockBitmap(blockCount);
        this.memoryKept = memoryKept;
        this.hashes = memoryKept ? newHashes() : null;
    }

    /** A set whose memory is taken at once: a package that cannot be held fails when it is opened. */
    static HashedBlockSet allocated(int blockCount) {
        return new HashedBlockSet(blockCount, true);
    }

    /** A set whose digests take memory only once one is put: most tasks come without a manifest. */
    static HashedBlockSet allocatedOnFirstPut(int blockCount) {
        return new HashedBlockSet(blockCount, false);
    }

    boolean contains(int index) {
        return members.get(index);
    }

    int size() {
        return members.cardinality();
    }

    /** @return the first member at or after {@code from}, or -1 */
    int nextMember(int from) {
        return members.nextSet(from);
    }

    /** @return the first block at or after {@code from} that is not a member, or -1 */
    int nextNonMember(int from) {
        return members.nextClear(from);
    }

    /**
     * Adds a block, or replaces its digest.
     *
     * @param sha256 holds the digest at {@code offset}
     * @return true if the block was not a member before
     */
    boolean put(int index, byte[] sha256, int offset) {
        if (hashes == null) {
            hashes = newHashes();
        }
        System.arraycopy(sha256, offset, hashes, index * BlockHashes.SHA256_LENGTH, BlockHashes.SHA256_LENGTH);
        return members.set(index);
    }

    /** @return true if the block was a member */
    boolean remove(int index) {
        return members.clear(index);
    }

    /** @return whether the block is a member with exactly this digest */
    boolean matches(int index, byte[] sha256) {
        return members.get(index) && BlockHashes.equalsAt(sha256, hashes, index * BlockHashes.SHA256_LENGTH);
    }

    /** @return a copy of the block's digest, or null if it is not a member */
    byte[] hashOf(int index) {
        if (!members.get(index)) {
            return null;
        }
        int at = index * BlockHashes.SHA256_LENGTH;
        return Arrays.copyOfRange(hashes, at, at + BlockHashes.SHA256_LENGTH);
    }

    /**
     * The digests of all blocks in block order, shared, not copied: meaningful where every block is
     * a member (a complete entry's manifest).
     */
    byte[] packedHashes() {
        return hashes == null ? newHashes() : hashes;
    }

    /** Appends one journal record of {@code type} per member, in block order. */
    void appendTo(BlockJournal journal, byte type) throws IOException {
        for (int index = members.nextSet(0); index >= 0; index = members.nextSet(index + 1)) {
            journal.append(type, index, hashes, index * BlockHashes.SHA256_LENGTH);
        }
    }

    /** Removes every block; the memory is kept, zeroed, or, where it was taken on first put, given back. */
    void clear() {
        members.clearAll();
        if (memoryKept) {
            Arrays.fill(hashes, (byte) 0);
        } else {
            hashes = null;
        }
    }

    private byte[] newHashes() {
        return new byte[members.size() * BlockHashes.SHA256_LENGTH];
    }
}
