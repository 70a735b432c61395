package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockLayout;
import org.junit.jupiter.api.Test;

/** Layouts a forged beacon may announce, and what they may cost. */
class ChunkTrackerHostileInputTest {
    /**
     * A beacon passes with 64 MiB blocks of 1-byte chunks: each partial block then needs an 8 MiB
     * bitmap, and one 33-byte datagram per block used to allocate one, so about 130 datagrams filled
     * a 1 GiB heap. The tracker now keeps at most {@link ChunkTracker#MAX_PARTIAL_BYTES} of bitmaps.
     */
    @Test
    void tinyChunksInHugeBlocksCannotExhaustTheHeap() {
        BlockLayout layout = new BlockLayout(1L << 40, BlockLayout.MAX_BLOCK_SIZE);
        ChunkTracker tracker = new ChunkTracker(layout, 1);
        long perBlock = ((BlockLayout.MAX_BLOCK_SIZE / 64) + 1L) * Long.BYTES;
        for (int block = 0; block < 1_000; block++) {
            assertTrue(tracker.isValidChunk(block, 0, 1));
            assertFalse(tracker.record(block, 0));
        }
        assertTrue(tracker.partialBlocks() * perBlock <= ChunkTracker.MAX_PARTIAL_BYTES,
                tracker.partialBlocks() + " partial blocks of " + perBlock + " bytes");
        assertTrue(tracker.has(999, 0), "the newest partial block is kept");
        assertFalse(tracker.has(0, 0), "the oldest was forgotten: its chunk comes again");
        assertEquals(0, tracker.chunksHeld(0));
    }

    @Test
    void ordinaryLayoutsNeverForget() {
        BlockLayout layout = new BlockLayout(64L << 30, BlockLayout.DEFAULT_BLOCK_SIZE); // 64 GiB, 65,536 blocks
        ChunkTracker tracker = new ChunkTracker(layout, 1440);
        for (int block = 0; block < layout.blockCount(); block++) {
            tracker.record(block, 0);
        }
        assertEquals(layout.blockCount(), tracker.partialBlocks());
        assertTrue(tracker.has(0, 0));
    }
}
