package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Fuzzes {@link ChunkTracker#isValidChunk} with block indexes, offsets and lengths as a data header
 * carries them (any int), on layouts of any size including more than 4 GiB: a chunk is valid
 * exactly when it is one of the layout's chunks, and a block is whole exactly when the last of its
 * chunks is recorded. Input: package length, block size, chunk size, then (block, offset, length) triples.
 */
class ChunkTrackerFuzzTest {
    @FuzzTest
    void isValidChunk(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        long length = in.bool() ? in.i64() & 0xff_ffff_ffffL : in.u16();
        int blockSize = BlockLayout.MIN_BLOCK_SIZE + (in.i32() & 0x7fffffff) % (BlockLayout.MAX_BLOCK_SIZE - BlockLayout.MIN_BLOCK_SIZE + 1);
        BlockLayout layout = new BlockLayout(length, blockSize);
        int chunkSize = 1 + (in.i32() & 0x7fffffff) % blockSize;
        if ((blockSize + chunkSize - 1) / chunkSize > 4096) {
            chunkSize = blockSize / 4096 + 1; // keeps a block's bitmap small, as real chunk sizes do
        }
        ChunkTracker tracker = new ChunkTracker(layout, chunkSize);
        Set<Integer> whole = new HashSet<>(); // as the agent, which skips chunks of held blocks
        for (int i = 0; i < 500 && in.hasMore(); i++) {
            int block = switch (in.choose(4)) {
                case 0 -> layout.blockCount() == 0 ? 0 : in.u8() % layout.blockCount();
                case 1 -> layout.blockCount() - 1 + in.u8() % 3;
                default -> in.i32();
            };
            int offset = in.bool() ? in.u8() * chunkSize : in.i32();
            int chunkLength = in.bool() ? chunkSize : in.i32();
            if (in.bool() && layout.isValidIndex(block) && offset >= 0 && offset < layout.lengthOf(block)) {
                chunkLength = Math.min(chunkSize, layout.lengthOf(block) - offset);
            }
            boolean valid = tracker.isValidChunk(block, offset, chunkLength);
            assertEquals(expected(layout, chunkSize, block, offset, chunkLength), valid,
                    "block " + block + " offset " + offset + " length " + chunkLength + " in " + layout + ", chunk " + chunkSize);
            if (valid && !whole.contains(block) && !tracker.has(block, offset)) {
                int before = tracker.chunksHeld(block);
                boolean complete = tracker.record(block, offset);
                if (complete) {
                    assertTrue(whole.add(block), "block " + block + " completed twice");
                    assertEquals(before + 1, tracker.chunksIn(block));
                    assertEquals(0, tracker.chunksHeld(block));
                } else {
                    assertTrue(tracker.has(block, offset));
                    assertEquals(before + 1, tracker.chunksHeld(block));
                }
            }
            assertTrue(tracker.partialBlocks() <= layout.blockCount());
        }
    }

    /** A chunk of this layout: k * chunkSize inside the block, exactly as long as the rest allows. */
    private static boolean expected(BlockLayout layout, int chunkSize, int block, int offset, int length) {
        if (block < 0 || block >= layout.blockCount() || offset < 0) {
            return false;
        }
        long blockLength = Math.min(layout.blockSize(), layout.length() - (long) block * layout.blockSize());
        return offset % chunkSize == 0 && offset < blockLength && length == Math.min(chunkSize, blockLength - offset);
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/receive/ChunkTrackerFuzzTestInputs/isValidChunk");
        // A 5 GiB package in 1 MiB blocks, 1440-byte chunks: the last block, its last chunk, and hostile values.
        long fiveGib = 5L << 30;
        new Seed().u8(1).i64(fiveGib + 1000).i32((1 << 20) - 1024).i32(1439)
                .u8(1).u8(0).u8(1).u8(0).u8(1).u8(1)
                .u8(1).u8(1).u8(1).u8(0).u8(0).i32(-1)
                .u8(2).i32(Integer.MIN_VALUE).u8(0).i32(Integer.MAX_VALUE).u8(0).i32(-1440).u8(0)
                .writeTo(inputs, "five-gib-edges");
        Seed wholeBlock = new Seed().u8(0).u16(3000).i32(0).i32(499);
        for (int chunk = 0; chunk < 3; chunk++) {
            wholeBlock.u8(0).u8(0).u8(1).u8(chunk).u8(1).u8(1);
        }
        wholeBlock.writeTo(inputs, "complete-first-block");
    }
}
