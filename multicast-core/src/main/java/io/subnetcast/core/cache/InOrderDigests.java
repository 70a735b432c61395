package io.subnetcast.core.cache;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Running SHA-256 digests of blocks whose bytes are being written in order, so that committing such
 * a block finishes its digest instead of reading the block back from the file and hashing it again
 * (receivers and downloads write most blocks front to back, and the read-back is a second pass over
 * every byte).
 *
 * <p>The one rule that makes this safe against hostile writers: for every tracked block, the content
 * file holds, from the block's first byte up to {@code next}, exactly the bytes fed to its digest, in
 * order. So a digest starts only with a write at the block's first byte (which may also restart it),
 * grows only with a write that begins exactly at {@code next}, and is forgotten as soon as any other
 * write touches its block: a byte already digested may be about to change (a duplicate, a rewrite,
 * an overlap, bytes from another source). A write ahead of {@code next} would keep the rule, but a
 * block with a gap rarely becomes whole in order again, and forgetting it frees its slot. Only a
 * digest that reached the block's end vouches for the block; anything less, and the block is read
 * back as before. The owner calls {@link #beforeWrite} for every write into a block that is not
 * present, {@link #forget} wherever a block's bytes change by other means, and {@link #forgetAll}
 * when the content file is replaced. "The file holds" includes bytes the content file has staged
 * ({@code StagedRun}): they reach the file in the order they were written, and a commit writes them
 * out first, so a digest is used only once its bytes are in the file; a write that fails forgets
 * its block's digest.
 *
 * <p>Bounded: a fixed number of slots, each a {@code MessageDigest} created on first use and then
 * reused; when all are busy the slot advanced least recently is taken (its block is then read back
 * at commit). Nothing is allocated per write. Not thread-safe: {@link BlockFile} calls it under its
 * lock, the same lock as every write and commit.
 */
final class InOrderDigests {
    /**
     * Blocks tracked at once: a multicast member receives one block after another, with a few more
     * in flight while retransmissions and peer repairs arrive; a download writes one at a time.
     */
    static final int SLOTS = 8;

    private static final int FREE = -1;
    // Bytes copied per digest update from a buffer without one NIO view (a composite): the JDK's own
    // temporary array for direct buffers has the same size.
    private static final int COPY_SIZE = 4096;

    private final BlockLayout layout;
    private final int[] blocks;
    // Package offset of the next byte each slot's digest expects.
    private final long[] next;
    // When each slot last started or grew, on the tick below: the oldest is taken when all are busy.
    private final long[] lastAdvanced;
    private final MessageDigest[] digests;
    private long tick;
    private byte[] copyBuffer;

    /** @param slots how many blocks may be tracked at once */
    InOrderDigests(BlockLayout layout, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("at least one slot, got " + slots);
        }
        this.layout = layout;
        this.blocks = new int[slots];
        this.next = new long[slots];
        this.lastAdvanced = new long[slots];
        this.digests = new MessageDigest[slots];
        Arrays.fill(blocks, FREE);
    }

    /**
     * Called before {@code length} bytes are written at {@code position}, all inside one block that
     * is not present: forgets that block's digest if the write would change bytes it covers, and
     * starts one if the write begins at the block's first byte.
     *
     * @return the slot whose digest must be fed exactly these bytes ({@link #feed}), or -1 if none;
     *     if the write then fails, the caller must {@link #abandon} the slot
     * @throws IllegalArgumentException if the span leaves its block (the caller cuts writes per block)
     */
    int beforeWrite(long position, int length) {
        int block = layout.indexOf(position);
        long start = layout.offsetOf(block);
        if (length < 0 || position - start > layout.lengthOf(block) - (long) length) {
            throw new IllegalArgumentException("bytes " + position + "+" + length + " leave block " + block);
        }
        if (length == 0) {
            return -1; // changes nothing
        }
        int slot = slotOf(block);
        if (slot >= 0 && position == next[slot]) {
            return slot;
        }
        if (position != start) {
            if (slot >= 0) {
                free(slot); // out of order, a rewrite or an overlap: the digest may no longer be the file
            }
            return -1;
        }
        // From the block's first byte: a new digest, or the old one restarted (the bytes it covered
        // beyond this write may be overwritten later, so they are no longer counted).
        if (slot < 0) {
            slot = freeOrOldestSlot();
            blocks[slot] = block;
        }
        digest(slot).reset();
        next[slot] = start;
        lastAdvanced[slot] = ++tick;
        return slot;
    }

    /**
     * Feeds the bytes about to be written, position to limit; the position is restored, so that the
     * caller still writes them.
     */
    void feed(int slot, ByteBuffer bytes) {
        int position = bytes.position();
        int length = bytes.remaining();
        // The JDK copies a direct buffer through a temporary array that each digest keeps and reuses
        // (MessageDigestSpi.engineUpdate); the update leaves the position at the limit.
        digests[slot].update(bytes);
        bytes.position(position);
        advance(slot, length);
    }

    /** Feeds {@code length} bytes of {@code source} from absolute {@code index}, its indexes unchanged. */
    void feed(int slot, ByteBuf source, int index, int length) {
        ContentFile.checkBuffer(source, index, length);
        MessageDigest digest = digests[slot];
        if (source.hasArray()) {
            digest.update(source.array(), source.arrayOffset() + index, length);
        } else {
            // The same NIO view the file write takes (PositionalIo), so no buffer is allocated;
            // reading it moves only the view's position, which every use sets anew.
            ByteBuffer view = PositionalIo.reusableView(source, index, length);
            if (view != null) {
                digest.update(view);
            } else {
                copyThrough(digest, source, index, length);
            }
        }
        advance(slot, length);
    }

    /** Forgets a slot whose write failed: the file may hold part of the bytes its digest was fed. */
    void abandon(int slot) {
        free(slot);
    }

    /** Forgets the block's digest, if there is one: its bytes change by other means (or it was verified). */
    void forget(int block) {
        int slot = slotOf(block);
        if (slot >= 0) {
            free(slot);
        }
    }

    /** Forgets every digest: the content file was replaced or will not be written again. */
    void forgetAll() {
        Arrays.fill(blocks, FREE);
    }

    /**
     * Ends the block's digest, for its commit: the block is forgotten either way.
     *
     * @param sha receives the block's SHA-256 when the answer is true
     * @return true if the digest covered every byte of the block, that is the file holds exactly the
     *     bytes it hashed; false if there was none or it fell short: the block must be read back
     */
    boolean finish(int block, byte[] sha) {
        int slot = slotOf(block);
        if (slot < 0) {
            return false;
        }
        free(slot);
        if (next[slot] != layout.offsetOf(block) + layout.lengthOf(block)) {
            return false;
        }
        try {
            digests[slot].digest(sha, 0, BlockHashes.SHA256_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    /** @return how many blocks have a running digest now */
    int tracked() {
        int count = 0;
        for (int block : blocks) {
            if (block != FREE) {
                count++;
            }
        }
        return count;
    }

    private int slotOf(int block) {
        for (int slot = 0; slot < blocks.length; slot++) {
            if (blocks[slot] == block) {
                return slot;
            }
        }
        return -1;
    }

    private int freeOrOldestSlot() {
        int oldest = 0;
        for (int slot = 0; slot < blocks.length; slot++) {
            if (blocks[slot] == FREE) {
                return slot;
            }
            if (lastAdvanced[slot] < lastAdvanced[oldest]) {
                oldest = slot;
            }
        }
        return oldest;
    }

    private MessageDigest digest(int slot) {
        if (digests[slot] == null) {
            digests[slot] = BlockHashes.newSha256();
        }
        return digests[slot];
    }

    private void advance(int slot, int length) {
        next[slot] += length;
        lastAdvanced[slot] = ++tick;
    }

    private void free(int slot) {
        blocks[slot] = FREE;
    }

    private void copyThrough(MessageDigest digest, ByteBuf source, int index, int length) {
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_SIZE];
        }
        for (int done = 0; done < length; ) {
            int piece = Math.min(COPY_SIZE, length - done);
            source.getBytes(index + done, copyBuffer, 0, piece);
            digest.update(copyBuffer, 0, piece);
            done += piece;
        }
    }
}
