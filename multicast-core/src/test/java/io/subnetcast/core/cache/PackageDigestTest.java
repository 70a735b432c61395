package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole package's SHA-256 taken ahead, block by block in file order ({@link BlockFile#hashAheadOn}):
 * placing the package reads nothing more, and a block dropped or replaced after it was taken never
 * leaves a stale digest behind.
 */
class PackageDigestTest {
    private static final int BLOCK = 4096;
    private static final int LENGTH = BLOCK * 6 + 100;

    @TempDir
    Path dir;

    /** Runs the hashing when the test says, so that each step is seen. */
    private final Queue<Runnable> queued = new ArrayDeque<>();
    private final Executor manual = queued::add;

    private void drain() {
        while (!queued.isEmpty()) {
            queued.poll().run();
        }
    }

    private static void writeBlock(BlockFile file, int index, byte[] whole) throws IOException {
        long offset = file.layout().offsetOf(index);
        file.write(offset, ByteBuffer.wrap(whole, (int) offset, file.layout().lengthOf(index)));
    }

    private static void writeEveryBlock(BlockFile file, byte[] whole) throws IOException {
        for (int index = 0; index < file.layout().blockCount(); index++) {
            writeBlock(file, index, whole);
            assertTrue(file.commitBlock(index));
        }
    }

    @Test
    void blocksArrivingOutOfOrderAreHashedInFileOrderAndPlacingReadsNothingMore() throws IOException {
        byte[] whole = BlockFileTest.pattern(0, LENGTH);
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile file = cache.open("t", LENGTH, BLOCK, "v1")) {
            file.hashAheadOn(manual);
            for (int index : new int[] {2, 1, 3}) {
                writeBlock(file, index, whole);
                assertTrue(file.commitBlock(index));
            }
            drain();
            assertEquals(0, file.packageBytesHashed(), "nothing before block 0 is present");
            writeBlock(file, 0, whole);
            assertTrue(file.commitBlock(0));
            drain();
            assertEquals(4L * BLOCK, file.packageBytesHashed(), "blocks 0 to 3, in order, once each");
            for (int index : new int[] {6, 4, 5}) {
                writeBlock(file, index, whole);
                assertTrue(file.commitBlock(index));
                drain();
            }
            assertEquals(LENGTH, file.packageBytesHashed());
            Path out = dir.resolve("out.bin");
            assertArrayEquals(BlockFileTest.sha256(whole), file.publish(out, BlockFileTest.sha256(whole)));
            assertEquals(LENGTH, file.packageBytesHashed(), "placing it read no byte again");
            assertArrayEquals(whole, Files.readAllBytes(out));
        }
    }

    /**
     * A block taken into the digest, then dropped and written again with other bytes (a manifest
     * disproved it, say): the package placed is hashed as it now is, and a package expected with
     * the old bytes is refused.
     */
    @Test
    void aBlockReplacedAfterItWasHashedStartsTheDigestOver() throws IOException {
        byte[] before = BlockFileTest.pattern(0, LENGTH);
        byte[] after = before.clone();
        after[BLOCK + 7] ^= 0x5a;
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile file = cache.open("t", LENGTH, BLOCK, "v1")) {
            file.hashAheadOn(manual);
            writeEveryBlock(file, before);
            drain();
            assertEquals(LENGTH, file.packageBytesHashed());
            file.dropBlock(1);
            writeBlock(file, 1, after);
            assertTrue(file.commitBlock(1));
            drain();
            assertEquals(2L * LENGTH, file.packageBytesHashed(), "started over from block 0");
            assertArrayEquals(BlockFileTest.sha256(after), file.verifyInPlace(BlockFileTest.sha256(after)));
            assertEquals(2L * LENGTH, file.packageBytesHashed());
        }
        try (BlockFile file = cache.open("t2", LENGTH, BLOCK, "v1")) {
            file.hashAheadOn(manual);
            writeEveryBlock(file, before);
            drain();
            file.dropBlock(1);
            writeBlock(file, 1, after);
            assertTrue(file.commitBlock(1));
            // Placed before the hashing caught up: the stale digest must not answer for it.
            assertThrows(IntegrityException.class, () -> file.publish(dir.resolve("t2.bin"), BlockFileTest.sha256(before)));
        }
    }

    @Test
    void withoutHashingAheadPlacingHashesTheWholePackageOnce() throws IOException {
        byte[] whole = BlockFileTest.pattern(0, LENGTH);
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile file = cache.open("t", LENGTH, BLOCK, "v1")) {
            for (int index = file.layout().blockCount() - 1; index >= 0; index--) {
                writeBlock(file, index, whole);
                assertTrue(file.commitBlock(index));
            }
            assertEquals(0, file.packageBytesHashed());
            assertArrayEquals(BlockFileTest.sha256(whole), file.verifyInPlace(null));
            assertEquals(LENGTH, file.packageBytesHashed());
            assertArrayEquals(BlockFileTest.sha256(whole), file.publish(dir.resolve("out.bin"), BlockFileTest.sha256(whole)));
            assertEquals(LENGTH, file.packageBytesHashed(), "verified once, placed without a second read");
        }
    }
}
