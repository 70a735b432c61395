package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache against values that arrive from outside: task ids that try to leave the cache
 * directory, a layout from a forged beacon too large to keep metadata for, and journal records
 * (with valid CRCs) that claim blocks the content does not hold.
 */
class CacheHostileInputTest {
    private static final int BLOCK = 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"..", "../escape", "/tmp/escape", "a/../../escape", "%2e%2e%2fescape", "escape\u0000",
        ".hidden", "a\\..\\escape", "\uff0e\uff0e", "con:stream", " "})
    void taskIdsThatCouldLeaveTheCacheAreRefusedAndCreateNothing(String taskId) throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        assertThrows(IllegalArgumentException.class, () -> cache.open(taskId, 10, BLOCK, ""));
        assertThrows(IllegalArgumentException.class, () -> cache.remove(taskId));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("cache")), files.toList(), "something was created outside the cache");
        }
        try (Stream<Path> files = Files.list(cache.root())) {
            assertEquals(0, files.count(), "something was created inside the cache");
        }
    }

    @Test
    void anOverlongTaskIdIsRefused() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        assertThrows(IllegalArgumentException.class, () -> cache.open("a".repeat(CacheNames.MAX_TASK_ID_LENGTH + 1), 10, BLOCK, ""));
    }

    /**
     * A beacon may announce any length and block size. At 2^27 blocks the hash arrays' sizes
     * overflowed to 0 bytes and the first commit threw ArrayIndexOutOfBoundsException; at 2^26
     * their allocation failed with NegativeArraySizeException; between those and 2^21 they took
     * gigabytes. Now such a layout is refused with an IOException before anything is allocated.
     */
    @Test
    void aLayoutOfTooManyBlocksIsRefusedCleanly() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        for (long blocks : new long[] {(1L << 27), (1L << 26), (1L << 21) + 1, Integer.MAX_VALUE - 8}) {
            IOException e = assertThrows(IOException.class, () -> cache.open("huge", blocks * BLOCK, BLOCK, ""));
            assertTrue(e.getMessage().contains("more than the cache's " + BlockFile.MAX_BLOCKS), e.getMessage());
        }
        assertFalse(Files.exists(cache.root().resolve("huge")), "refused before the entry was created");
        try (BlockFile largest = cache.open("largest", (long) BlockFile.MAX_BLOCKS * BLOCK, BLOCK, "")) {
            assertEquals(BlockFile.MAX_BLOCKS, largest.layout().blockCount());
            largest.write(0, ByteBuffer.wrap(new byte[BLOCK]));
            assertTrue(largest.commitBlock(0));
        }
    }

    @Test
    void forgedJournalRecordsClaimNothingTheContentDoesNotHold() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        byte[] content = new byte[4 * BLOCK];
        new SplittableRandom(3).nextBytes(content);
        try (BlockFile file = cache.open("t", content.length, BLOCK, "id")) {
            file.write(0, ByteBuffer.wrap(content, 0, 2 * BLOCK)); // blocks 0 and 1 only
            assertTrue(file.commitBlock(0));
            assertTrue(file.commitBlock(1));
        }
        Path journal = cache.root().resolve("t").resolve(EntryFiles.JOURNAL);
        try (BlockJournal forged = BlockJournal.create(journal, new BlockJournal.Header(content.length, BLOCK, "id"))) {
            byte[] hashOfBlock1 = sha256(content, BLOCK, BLOCK);
            byte[] hashOfBlock2 = sha256(content, 2 * BLOCK, BLOCK);
            forged.append(BlockJournal.PRESENT, 0, hashOfBlock1, 0); // block 0 with another block's hash
            forged.append(BlockJournal.PRESENT, 1, hashOfBlock1, 0); // true
            forged.append(BlockJournal.PRESENT, 2, hashOfBlock2, 0); // true hash, bytes never written
            forged.append(BlockJournal.EXPECTED, 1, hashOfBlock2, 0); // a manifest that disproves block 1
            forged.append(BlockJournal.PRESENT, 3, new byte[32], 0);
            forged.append(BlockJournal.PRESENT, -1, new byte[32], 0); // ends the replay
            forged.append(BlockJournal.PRESENT, 3, sha256(content, 3 * BLOCK, BLOCK), 0);
        }
        try (BlockFile file = cache.open("t", content.length, BLOCK, "id")) {
            for (int block = 0; block < 4; block++) {
                assertFalse(file.hasBlock(block), "block " + block + " claimed");
            }
            assertEquals(0, file.bytesHeld());
            assertEquals(4, file.droppedOnOpen());
        }
    }

    private static byte[] sha256(byte[] bytes, int offset, int length) {
        MessageDigest digest = BlockHashes.newSha256();
        digest.update(bytes, offset, length);
        return digest.digest();
    }

    /**
     * Found by BlockFileFuzzTest: committing a block whose bytes reach past the end of the content
     * file (never all written) made it present, with the hash of what was there plus a marker.
     */
    @Test
    void aBlockNeverWrittenToItsEndIsNotCommitted() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile file = cache.open("t", 3 * BLOCK, BLOCK, "id")) {
            file.write(0, ByteBuffer.wrap(new byte[BLOCK + 10]));
            assertTrue(file.commitBlock(0));
            assertFalse(file.commitBlock(1), "block 1 holds 10 of its 1,024 bytes");
            assertFalse(file.commitBlock(2), "block 2 was never written");
            assertFalse(file.hasBlock(1) || file.hasBlock(2));
            assertEquals(BLOCK, file.bytesHeld());
            file.write(BLOCK, ByteBuffer.wrap(new byte[2 * BLOCK]));
            assertTrue(file.commitBlock(1));
            assertTrue(file.commitBlock(2));
        }
    }
}
