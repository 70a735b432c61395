package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockFileTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    static byte[] pattern(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            bytes[i] = (byte) (at * 31 + (at >>> 13));
        }
        return bytes;
    }

    static byte[] sha256(byte[] bytes) {
        return BlockHashes.newSha256().digest(bytes);
    }

    private static void writeBlock(BlockFile file, int index) throws IOException {
        long offset = file.layout().offsetOf(index);
        file.write(offset, ByteBuffer.wrap(pattern(offset, file.layout().lengthOf(index))));
    }

    @Test
    void writesCommitsAndPublishesAVerifiedPackage() throws IOException {
        int length = BLOCK * 5 + 100;
        byte[] whole = pattern(0, length);
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        Path destination = dir.resolve("out.bin");
        try (BlockFile file = cache.open("task-1", length, BLOCK, "etag-1")) {
            assertEquals(6, file.layout().blockCount());
            for (int index = 5; index >= 0; index--) { // out of order on purpose
                writeBlock(file, index);
                assertTrue(file.commitBlock(index));
            }
            assertTrue(file.isComplete());
            assertEquals(length, file.bytesHeld());
            byte[] published = file.publish(destination, sha256(whole));
            assertArrayEquals(sha256(whole), published);
            assertTrue(file.isPublished());
            assertEquals(destination, file.contentPath());
            // Reads keep working after the move: peers are served from the published file.
            ByteBuffer tail = ByteBuffer.allocate(100);
            file.read(BLOCK * 5, tail);
            assertArrayEquals(pattern(BLOCK * 5, 100), tail.array());
            assertThrows(IllegalStateException.class, () -> file.commitBlock(0));
        }
        assertArrayEquals(whole, Files.readAllBytes(destination));
        assertFalse(Files.exists(dir.resolve("cache/task-1/journal")));
        assertFalse(Files.exists(dir.resolve("cache/task-1/content")));
    }

    @Test
    void aWrongPackageHashKeepsNothingAndPublishesNothing() throws IOException {
        int length = BLOCK * 3;
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        Path destination = dir.resolve("out.bin");
        try (BlockFile file = cache.open("t", length, BLOCK, "")) {
            for (int index = 0; index < 3; index++) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
            byte[] wrong = new byte[32];
            IntegrityException e = assertThrows(IntegrityException.class, () -> file.publish(destination, wrong));
            assertTrue(e.getMessage().contains("expects " + "00".repeat(32)), e.getMessage());
            assertEquals(0, file.presentBlocks());
            assertFalse(file.isPublished());
        }
        assertFalse(Files.exists(destination));
        try (BlockFile reopened = cache.open("t", length, BLOCK, "")) {
            assertEquals(0, reopened.presentBlocks(), "discarded blocks must not come back");
        }
    }

    @Test
    void aPackageVerifiedInPlaceStaysCachedUntilPublished() throws IOException {
        int length = BLOCK * 3 + 7;
        byte[] whole = pattern(0, length);
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        Path destination = dir.resolve("out.bin");
        try (BlockFile file = cache.open("t", length, BLOCK, "")) {
            writeBlock(file, 0);
            file.commitBlock(0);
            assertThrows(IllegalStateException.class, () -> file.verifyInPlace(sha256(whole)));
            for (int index = 1; index < 4; index++) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
            assertArrayEquals(sha256(whole), file.verifyInPlace(sha256(whole)));
            assertTrue(file.isComplete());
            assertFalse(file.isPublished());
            assertEquals(dir.resolve("cache/t/content").toRealPath(), file.contentPath().toRealPath());
            assertArrayEquals(sha256(whole), file.publish(destination, sha256(whole)));
        }
        assertArrayEquals(whole, Files.readAllBytes(destination));
    }

    @Test
    void aPackageThatFailsVerificationInPlaceIsDiscarded() throws IOException {
        int length = BLOCK * 2;
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile file = cache.open("t", length, BLOCK, "")) {
            for (int index = 0; index < 2; index++) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
            IntegrityException e = assertThrows(IntegrityException.class, () -> file.verifyInPlace(new byte[32]));
            assertTrue(e.getMessage().endsWith("; the cached copy was discarded"), e.getMessage());
            assertEquals(0, file.presentBlocks());
            // The entry stays usable for a fresh attempt.
            writeBlock(file, 0);
            assertTrue(file.commitBlock(0));
        }
        try (BlockFile reopened = cache.open("t", length, BLOCK, "")) {
            assertEquals(1, reopened.presentBlocks());
        }
    }

    @Test
    void reopenResumesWithTheVerifiedBlocksOnly() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 8, BLOCK, "v1")) {
            for (int index : new int[] {0, 2, 3, 7}) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
            writeBlock(file, 5); // written but never committed: must not count
        }
        try (BlockFile file = cache.open("t", BLOCK * 8, BLOCK, "v1")) {
            assertEquals(4, file.presentBlocks());
            assertTrue(file.hasBlock(0) && file.hasBlock(2) && file.hasBlock(3) && file.hasBlock(7));
            assertFalse(file.hasBlock(5));
            assertEquals(1, file.nextMissingBlock(0));
            assertEquals(4, file.nextMissingBlock(2));
            assertEquals(0, file.droppedOnOpen());
        }
    }

    @Test
    void aTornWriteIsCaughtOnReopen() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            for (int index = 0; index < 4; index++) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
        }
        // The journal says block 2 is present but its bytes are not what was journalled, as after
        // a power loss that persisted the journal record and only part of the block.
        try (FileChannel content = FileChannel.open(dir.resolve("t/content"), StandardOpenOption.WRITE)) {
            content.write(ByteBuffer.wrap(new byte[100]), 2L * BLOCK + 1000);
        }
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertEquals(1, file.droppedOnOpen());
            assertFalse(file.hasBlock(2));
            assertEquals(3, file.presentBlocks());
            assertEquals(3L * BLOCK, file.bytesHeld());
        }
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertEquals(0, file.droppedOnOpen(), "the drop was journalled");
            assertFalse(file.hasBlock(2));
        }
    }

    @Test
    void aTornJournalTailIsTruncated() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            writeBlock(file, 0);
            file.commitBlock(0);
            writeBlock(file, 1);
            file.commitBlock(1);
        }
        Path journal = dir.resolve("t/journal");
        long goodSize = Files.size(journal);
        // Half a record, as written by a process killed in the middle of an append.
        Files.write(journal, new byte[] {BlockJournal.PRESENT, 0, 0, 0, 3, 9, 9}, StandardOpenOption.APPEND);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertEquals(2, file.presentBlocks());
            assertFalse(file.hasBlock(3));
            assertEquals(goodSize, Files.size(journal));
            writeBlock(file, 3);
            file.commitBlock(3);
        }
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertEquals(3, file.presentBlocks(), "records after the truncated tail are read");
        }
    }

    @Test
    void aCorruptRecordInTheMiddleEndsTheReplay() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            for (int index = 0; index < 4; index++) {
                writeBlock(file, index);
                file.commitBlock(index);
            }
        }
        Path journal = dir.resolve("t/journal");
        long size = Files.size(journal);
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            // Flip one byte of the second-to-last record's hash.
            channel.write(ByteBuffer.wrap(new byte[] {0x55}), size - 2L * BlockJournal.RECORD_SIZE + 10);
        }
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertEquals(2, file.presentBlocks(), "nothing after a bad record is trusted");
        }
    }

    @Test
    void anotherIdentityOrLayoutStartsAfresh() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "etag-a")) {
            writeBlock(file, 0);
            file.commitBlock(0);
        }
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "etag-b")) {
            assertEquals(0, file.presentBlocks());
        }
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "etag-b")) {
            writeBlock(file, 1);
            file.commitBlock(1);
        }
        try (BlockFile file = cache.open("t", BLOCK * 3, BLOCK, "etag-b")) {
            assertEquals(0, file.presentBlocks(), "a different length is other content");
        }
    }

    @Test
    void expectedHashesGateCommitsAndDropDisprovedBlocks() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "")) {
            byte[] good0 = sha256(pattern(0, BLOCK));
            assertTrue(file.expectBlockHash(0, good0));
            file.write(0, ByteBuffer.wrap(new byte[BLOCK])); // wrong bytes
            assertFalse(file.commitBlock(0));
            assertFalse(file.hasBlock(0));
            writeBlock(file, 0);
            assertTrue(file.commitBlock(0));
            assertArrayEquals(good0, file.presentBlockHash(0));

            writeBlock(file, 1);
            assertTrue(file.commitBlock(1));
            assertFalse(file.expectBlockHash(1, new byte[32]), "a manifest that disagrees drops the block");
            assertFalse(file.hasBlock(1));
            assertArrayEquals(new byte[32], file.expectedBlockHash(1));
            assertThrows(IllegalArgumentException.class, () -> file.expectBlockHash(1, new byte[31]));
            assertThrows(IndexOutOfBoundsException.class, () -> file.expectBlockHash(2, good0));
        }
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "")) {
            assertTrue(file.hasBlock(0));
            assertNull(file.presentBlockHash(1));
            assertArrayEquals(new byte[32], file.expectedBlockHash(1), "expected hashes are journalled");
        }
    }

    @Test
    void aBlockVerifiedInMemoryIsWrittenAndPresentOnlyWithItsExpectedDigest() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        byte[] block0 = pattern(0, BLOCK);
        byte[] good0 = sha256(block0);
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "")) {
            assertFalse(file.writeVerifiedBlock(0, ByteBuffer.wrap(block0), good0), "no manifest: no check to trust");
            assertTrue(file.expectBlockHash(0, good0));
            assertFalse(file.writeVerifiedBlock(0, ByteBuffer.wrap(new byte[BLOCK]), sha256(new byte[BLOCK])));
            assertFalse(file.hasBlock(0));
            assertThrows(IllegalArgumentException.class,
                    () -> file.writeVerifiedBlock(0, ByteBuffer.wrap(new byte[BLOCK - 1]), good0));
            assertTrue(file.writeVerifiedBlock(0, ByteBuffer.wrap(block0), good0));
            assertTrue(file.hasBlock(0));
            ByteBuffer read = ByteBuffer.allocate(BLOCK);
            file.read(0, read);
            assertArrayEquals(block0, read.array());
        }
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "")) {
            assertTrue(file.hasBlock(0), "journalled, and its bytes hash as journalled on reopening");
        }
    }

    @Test
    void nettyBuffersAreWrittenWithoutBeingConsumed() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK, BLOCK, "")) {
            ByteBuf buffer = Unpooled.wrappedBuffer(pattern(0, BLOCK));
            try {
                file.write(0, buffer);
                assertEquals(BLOCK, buffer.readableBytes());
            } finally {
                buffer.release();
            }
            assertTrue(file.commitBlock(0));
        }
    }

    @Test
    void payloadsOfDirectDatagramsSlicesAndCompositesLandAtTheirOffsets() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        byte[] content = pattern(0, 3 * BLOCK);
        try (BlockFile file = cache.open("t", 3 * BLOCK, BLOCK, "")) {
            // Block 0: payloads of 1000 bytes behind a 32-byte header in one pooled direct "datagram",
            // written by absolute index; the datagram's indexes stay as they were.
            ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(32 + 1000);
            try {
                for (int at = 0; at < BLOCK; at += 1000) {
                    int length = Math.min(1000, BLOCK - at);
                    datagram.clear().writerIndex(32).writeBytes(content, at, length);
                    file.write(at, datagram, 32, length);
                    assertEquals(0, datagram.readerIndex());
                    assertEquals(32 + length, datagram.writerIndex());
                }
            } finally {
                datagram.release();
            }
            // Block 1: slices of a direct buffer, through write(long, ByteBuf).
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK).writeBytes(content, BLOCK, BLOCK);
            try {
                for (int at = 0; at < BLOCK; at += 1500) {
                    file.write(BLOCK + at, direct.slice(at, Math.min(1500, BLOCK - at)));
                }
            } finally {
                direct.release();
            }
            // Block 2: a composite of two heap parts (more than one NIO view), through writeToMissing.
            CompositeByteBuf composite = Unpooled.compositeBuffer();
            composite.addComponent(true, Unpooled.wrappedBuffer(content, 2 * BLOCK, 100));
            composite.addComponent(true, Unpooled.wrappedBuffer(content, 2 * BLOCK + 100, BLOCK - 100));
            try {
                assertEquals(BLOCK, file.writeToMissing(2L * BLOCK, composite));
            } finally {
                composite.release();
            }
            for (int block = 0; block < 3; block++) {
                assertTrue(file.expectBlockHash(block, sha256(pattern((long) block * BLOCK, BLOCK))));
                assertTrue(file.commitBlock(block), "block " + block);
            }
            ByteBuf small = Unpooled.buffer(10).writeZero(10);
            try {
                assertThrows(IndexOutOfBoundsException.class, () -> file.write(0, small, 5, 6));
                assertThrows(IndexOutOfBoundsException.class, () -> file.write(0, small, -1, 2));
            } finally {
                small.release();
            }
        }
    }

    @Test
    void slicesDuplicatesAndWrappersOfDirectAndHeapBuffersWriteTheirOwnBytes() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        int views = 8;
        int part = 1000;
        byte[] content = new byte[4 * views * part];
        new SplittableRandom(5).nextBytes(content);
        for (boolean direct : new boolean[] {true, false}) {
            // Each view shows `part` bytes at a different place of one root buffer; it is written at the
            // package offset of those bytes, so the file must end up equal to the root's bytes.
            ByteBuf root = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(content.length)
                    : PooledByteBufAllocator.DEFAULT.heapBuffer(content.length);
            root.writeBytes(content);
            try (BlockFile file = cache.open("t" + direct, content.length, BLOCK, "")) {
                ByteBuf retained = root.retainedSlice(3 * part, 2 * part);
                try {
                    ByteBuf[] kinds = {
                        root.slice(0, part),
                        root.slice(part, 3 * part).slice(0, part),
                        root.duplicate().readerIndex(2 * part).writerIndex(3 * part),
                        retained.slice(0, part),
                        retained.slice(part, part).asReadOnly(),
                        root.slice(5 * part, 2 * part).duplicate().slice(0, part),
                        root.asReadOnly().slice(6 * part, part),
                        Unpooled.wrappedBuffer(content, 7 * part, part),
                    };
                    for (int i = 0; i < kinds.length; i++) {
                        assertEquals(part, kinds[i].readableBytes(), "view " + i);
                        file.write((long) i * part, kinds[i]); // view i shows bytes i * part onwards
                        assertEquals(part, kinds[i].readableBytes(), "indexes unchanged");
                    }
                    // Indexed writes through the views, the second half of the content.
                    ByteBuf high = root.slice(4 * views * part / 2, 4 * views * part / 2);
                    for (int at = 0; at < high.capacity(); at += part) {
                        file.write(4L * views * part / 2 + at, high, at, part);
                    }
                } finally {
                    retained.release();
                }
                ByteBuffer back = ByteBuffer.allocate(views * part);
                file.read(0, back);
                assertArrayEquals(Arrays.copyOf(content, views * part), back.array(), "direct " + direct);
                ByteBuffer tail = ByteBuffer.allocate(content.length / 2);
                file.read(content.length / 2, tail);
                assertArrayEquals(Arrays.copyOfRange(content, content.length / 2, content.length), tail.array());
            } finally {
                root.release();
            }
        }
    }

    @Test
    void outOfRangeWritesAndIndexesAreRefused() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 2, BLOCK, "")) {
            assertThrows(IndexOutOfBoundsException.class, () -> file.write(-1, ByteBuffer.allocate(1)));
            assertThrows(IndexOutOfBoundsException.class, () -> file.write(BLOCK * 2L - 1, ByteBuffer.allocate(2)));
            assertThrows(IndexOutOfBoundsException.class, () -> file.write(Long.MAX_VALUE, ByteBuffer.allocate(1)));
            assertThrows(IndexOutOfBoundsException.class, () -> file.commitBlock(2));
            assertThrows(IndexOutOfBoundsException.class, () -> file.commitBlock(-1));
            assertFalse(file.hasBlock(Integer.MAX_VALUE));
            assertThrows(IllegalStateException.class, () -> file.publish(dir.resolve("x"), null));
        }
    }

    @Test
    void blocksBeyondFourGibibytesWithoutWritingThem() throws IOException {
        long length = (6L << 30) + 777; // a 6 GiB sparse package
        int blockSize = 1 << 20;
        BlockCache cache = BlockCache.open(dir);
        int last;
        try (BlockFile file = cache.open("big", length, blockSize, "")) {
            last = file.layout().blockCount() - 1;
            int nearFive = (int) ((5L << 30) / blockSize) + 3;
            for (int index : new int[] {nearFive, last}) {
                long offset = file.layout().offsetOf(index);
                file.write(offset, ByteBuffer.wrap(pattern(offset, file.layout().lengthOf(index))));
                assertTrue(file.commitBlock(index));
            }
            assertEquals(blockSize + 777L, file.bytesHeld());
        }
        try (BlockFile file = cache.open("big", length, blockSize, "")) {
            assertEquals(2, file.presentBlocks());
            assertTrue(file.hasBlock(last));
            ByteBuffer tail = ByteBuffer.allocate(777);
            file.read(file.layout().offsetOf(last), tail);
            assertArrayEquals(pattern((long) last * blockSize, 777), tail.array());
        }
        assertTrue(Files.size(dir.resolve("big/content")) <= length);
    }

    @Test
    void oneEntryIsNeverOpenedTwice() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK, BLOCK, "")) {
            IOException e = assertThrows(IOException.class, () -> cache.open(file.taskId(), BLOCK, BLOCK, ""));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        cache.open("t", BLOCK, BLOCK, "").close();
    }

    @Test
    void aSymlinkedTaskDirectoryIsRefused() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        Files.createSymbolicLink(cache.root().resolve("evil"), outside);
        IOException e = assertThrows(IOException.class, () -> cache.open("evil", BLOCK, BLOCK, ""));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cache.open("../outside", BLOCK, BLOCK, ""));
        try (var listing = Files.list(outside)) {
            assertEquals(0, listing.count());
        }
    }

    @Test
    void manyCommitsCompactTheJournal() throws IOException {
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            writeBlock(file, 0);
            for (int round = 0; round < 50; round++) {
                file.commitBlock(0);
                file.dropBlock(0);
            }
            file.commitBlock(0);
        }
        long before = Files.size(dir.resolve("t/journal"));
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertTrue(file.hasBlock(0));
        }
        long after = Files.size(dir.resolve("t/journal"));
        assertTrue(after < before, "journal compacted from " + before + " to " + after);
        try (BlockFile file = cache.open("t", BLOCK * 4, BLOCK, "")) {
            assertTrue(file.hasBlock(0));
            assertEquals(1, file.presentBlocks());
        }
    }

    @Test
    void emptyPackagePublishes() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("c"));
        Path destination = dir.resolve("empty");
        try (BlockFile file = cache.open("t", 0, BLOCK, "")) {
            assertTrue(file.isComplete());
            file.publish(destination, sha256(new byte[0]));
        }
        assertEquals(0, Files.size(destination));
    }
}
