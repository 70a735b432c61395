package io.subnetcast.core.receive;

import io.subnetcast.core.cache.BlockLayout;
import java.util.Arrays;

/**
 * Tracks the chunks received of blocks that are not yet whole. A block is cut into chunks of
 * {@code chunkSize} bytes at fixed offsets (the last one may be short); the tracker remembers a
 * {@code long[]} bitmap per partially received block and forgets it once the block is complete.
 *
 * <p>Memory is the number of partial blocks times {@code chunksPerBlock / 8} bytes, at most
 * {@link #MAX_PARTIAL_BYTES}: beyond it the oldest partial block is forgotten, and its chunks are
 * received again (retransmission or repair), as after a failed verification. Only layouts with
 * tiny chunks reach the bound (a beacon may announce 64 MiB blocks of 1-byte chunks: 8 MiB of
 * bitmap per partial block). Recording a chunk allocates nothing in the steady state: blocks are
 * looked up without boxing and the bitmaps of blocks that became whole (up to eight) are cleared
 * and reused for the next ones. Not thread-safe: owned by the engine thread.
 */
public final class ChunkTracker {
    /** Most bytes of chunk bitmaps kept for partial blocks. */
    public static final long MAX_PARTIAL_BYTES = 64L << 20;
    private static final int MAX_SPARES = 8;

    private final BlockLayout layout;
    private final int chunkSize;
    private final int chunksPerBlock;
    private final int words;
    private final int maxPartial;
    private final PartialBlocks partial = new PartialBlocks();
    // Blocks in the order they became partial, so that the oldest is the one forgotten at the bound;
    // entries of blocks completed since are skipped when met.
    private int[] order = new int[16];
    private int orderHead;
    private int orderTail;
    // Chunks arrive block after block: remembering the last block saves a table lookup per packet.
    private int lastBlock = -1;
    private long[] lastBits;
    // Cleared bitmaps of blocks forgotten, reused for new blocks; a few, for blocks that complete together.
    private final long[][] spares = new long[MAX_SPARES][];
    private int spareCount;

    /**
     * @param layout the package's blocks
     * @param chunkSize bytes of payload per data packet; must divide into blocks sensibly
     */
    public ChunkTracker(BlockLayout layout, int chunkSize) {
        if (chunkSize <= 0 || chunkSize > layout.blockSize()) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " must be between 1 and the block size "
                    + layout.blockSize());
        }
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.chunksPerBlock = (layout.blockSize() + chunkSize - 1) / chunkSize;
        this.words = (chunksPerBlock + 63) >>> 6;
        this.maxPartial = (int) Math.max(1, Math.min(Integer.MAX_VALUE, MAX_PARTIAL_BYTES / ((words + 1L) * Long.BYTES)));
    }

    /** @return payload bytes per chunk */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * @param block a valid block index
     * @return the number of chunks of that block
     */
    public int chunksIn(int block) {
        return (layout.lengthOf(block) + chunkSize - 1) / chunkSize;
    }

    /**
     * Checks that a chunk as announced by a datagram is exactly one of this layout's chunks.
     *
     * @param block block index from the wire
     * @param offset offset inside the block from the wire
     * @param length payload length from the wire
     * @return true if block, offset and length name a real chunk
     */
    public boolean isValidChunk(int block, int offset, int length) {
        if (!layout.isValidIndex(block) || offset < 0 || offset % chunkSize != 0) {
            return false;
        }
        int blockLength = layout.lengthOf(block);
        return offset < blockLength && length == Math.min(chunkSize, blockLength - offset);
    }

    /**
     * Records a chunk.
     *
     * @param block a valid block index
     * @param offset a valid chunk offset
     * @return true if this made the block whole
     */
    public boolean record(int block, int offset) {
        long[] bits = bitsOf(block, true);
        int chunk = offset / chunkSize;
        long mask = 1L << chunk;
        if ((bits[chunk >>> 6] & mask) != 0) {
            return false;
        }
        bits[chunk >>> 6] |= mask;
        // The word after the bitmap counts the chunks held.
        if (++bits[words] < chunksIn(block)) {
            return false;
        }
        forget(block);
        return true;
    }

    /**
     * @param block a block index
     * @return chunks of it recorded so far (0 for unknown or whole-and-forgotten blocks)
     */
    public int chunksHeld(int block) {
        long[] bits = bitsOf(block, false);
        return bits == null ? 0 : (int) bits[words];
    }

    private long[] bitsOf(int block, boolean create) {
        if (block == lastBlock) {
            return lastBits;
        }
        long[] bits = partial.get(block);
        if (bits == null) {
            if (!create) {
                return null;
            }
            if (partial.size() >= maxPartial) {
                forgetOldest();
            }
            if (spareCount > 0) {
                bits = spares[--spareCount];
                spares[spareCount] = null;
            } else {
                bits = new long[words + 1];
            }
            partial.putNew(block, bits);
            remember(block);
        }
        lastBlock = block;
        lastBits = bits;
        return bits;
    }

    /**
     * @param block a block index
     * @param offset a chunk offset
     * @return whether that chunk was recorded (false for whole-and-forgotten blocks too)
     */
    public boolean has(int block, int offset) {
        long[] bits = bitsOf(block, false);
        if (bits == null) {
            return false;
        }
        int chunk = offset / chunkSize;
        return (bits[chunk >>> 6] & (1L << chunk)) != 0;
    }

    /** Receives the byte runs of a block that are still missing. */
    @FunctionalInterface
    public interface MissingRuns {
        /**
         * @param offset where the run starts inside the block
         * @param length its length in bytes
         * @return false to stop the scan
         */
        boolean run(int offset, int length);
    }

    /**
     * Reports the runs of a block's chunks not recorded yet, in order: the whole block when none
     * is. Both a member's NAK and peer repair ask for exactly these spans, so that a block the
     * multicast delivered in part costs only its gaps.
     *
     * @param block a block index (a whole-and-forgotten block reads as missing whole: ask the store first)
     * @param runs told each run until it returns false
     */
    public void forEachMissingRun(int block, MissingRuns runs) {
        int blockLength = layout.lengthOf(block);
        long[] bits = bitsOf(block, false);
        if (bits == null) {
            runs.run(0, blockLength);
            return;
        }
        int start = -1;
        for (int offset = 0; offset < blockLength; offset += chunkSize) {
            int chunk = offset / chunkSize;
            boolean missing = (bits[chunk >>> 6] & (1L << chunk)) == 0;
            if (missing && start < 0) {
                start = offset;
            } else if (!missing && start >= 0) {
                if (!runs.run(start, offset - start)) {
                    return;
                }
                start = -1;
            }
        }
        if (start >= 0) {
            runs.run(start, blockLength - start);
        }
    }

    private void remember(int block) {
        if (orderTail == order.length) {
            if (orderHead > order.length / 2) {
                System.arraycopy(order, orderHead, order, 0, orderTail - orderHead);
                orderTail -= orderHead;
                orderHead = 0;
            } else {
                order = Arrays.copyOf(order, order.length * 2);
            }
        }
        order[orderTail++] = block;
    }

    private void forgetOldest() {
        while (orderHead < orderTail) {
            int block = order[orderHead++];
            if (partial.get(block) != null) {
                forget(block);
                return;
            }
        }
    }

    /**
     * Forgets a block's chunks, for instance after it failed verification.
     *
     * @param block block index
     */
    public void forget(int block) {
        long[] bits = partial.remove(block);
        if (bits != null && spareCount < MAX_SPARES) {
            Arrays.fill(bits, 0L);
            spares[spareCount++] = bits;
        }
        if (block == lastBlock) {
            lastBlock = -1;
            lastBits = null;
        }
    }

    /** @return the number of blocks with some but not all chunks */
    public int partialBlocks() {
        return partial.size();
    }
}
