package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockLayout;
import org.junit.jupiter.api.Test;

class ChunkTrackerTest {
    private static final int BLOCK = 64 * 1024;
    private static final int CHUNK = 1440;

    @Test
    void completesABlockOnceWhenEveryChunkArrivedInAnyOrderAcrossBlocks() {
        BlockLayout layout = new BlockLayout(10L * BLOCK + 5_000, BLOCK);
        ChunkTracker tracker = new ChunkTracker(layout, CHUNK);
        int completed = 0;
        // Chunks of all eleven blocks interleaved, backwards within each block.
        int maxChunks = tracker.chunksIn(0);
        for (int i = maxChunks - 1; i >= 0; i--) {
            for (int block = 0; block < layout.blockCount(); block++) {
                if (i >= tracker.chunksIn(block)) {
                    continue;
                }
                int offset = i * CHUNK;
                int length = Math.min(CHUNK, layout.lengthOf(block) - offset);
                assertTrue(tracker.isValidChunk(block, offset, length));
                assertFalse(tracker.has(block, offset));
                if (tracker.record(block, offset)) {
                    completed++;
                    assertEquals(0, tracker.chunksHeld(block), "a whole block is forgotten");
                } else {
                    assertTrue(tracker.has(block, offset));
                    assertFalse(tracker.record(block, offset), "a duplicate changes nothing");
                }
            }
        }
        assertEquals(layout.blockCount(), completed);
        assertEquals(0, tracker.partialBlocks());
    }

    @Test
    void aReusedBitmapStartsEmpty() {
        BlockLayout layout = new BlockLayout(4L * BLOCK, BLOCK);
        ChunkTracker tracker = new ChunkTracker(layout, CHUNK);
        for (int offset = 0; offset < BLOCK; offset += CHUNK) {
            tracker.record(0, offset);
        }
        tracker.record(1, 0);
        tracker.record(1, CHUNK);
        tracker.forget(1); // failed verification: its bitmap is cleared and kept for the next block
        tracker.record(2, 0);
        assertEquals(1, tracker.chunksHeld(2));
        assertFalse(tracker.has(2, CHUNK));
        assertEquals(0, tracker.chunksHeld(1));
        assertFalse(tracker.has(1, 0));
        assertEquals(1, tracker.partialBlocks());
    }

    @Test
    void refusesChunksThatAreNotTheLayoutsOwn() {
        BlockLayout layout = new BlockLayout(2L * BLOCK + 100, BLOCK);
        ChunkTracker tracker = new ChunkTracker(layout, CHUNK);
        assertFalse(tracker.isValidChunk(-1, 0, CHUNK));
        assertFalse(tracker.isValidChunk(3, 0, CHUNK));
        assertFalse(tracker.isValidChunk(0, 1, CHUNK));
        assertFalse(tracker.isValidChunk(0, CHUNK, CHUNK - 1));
        assertFalse(tracker.isValidChunk(2, 0, CHUNK));
        assertTrue(tracker.isValidChunk(2, 0, 100));
        assertTrue(tracker.isValidChunk(0, BLOCK / CHUNK * CHUNK, BLOCK % CHUNK));
    }
}
