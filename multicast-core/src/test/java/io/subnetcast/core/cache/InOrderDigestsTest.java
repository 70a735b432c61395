package io.subnetcast.core.cache;

import static io.subnetcast.core.cache.BlockFileTest.pattern;
import static io.subnetcast.core.cache.BlockFileTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks hashed while their bytes are written in order ({@link InOrderDigests} inside
 * {@link BlockFile}): such a block commits without being read back, and every other write pattern
 * (out of order, rewritten, overlapping, evicted, replaced whole) falls back to the read-back, so
 * that a commit's outcome and recorded hash are always those of the bytes the file holds.
 */
class InOrderDigestsTest {
    private static final int BLOCK = 4096;
    // Not a divisor of the block, as a 1440-byte payload is not one of 1 MiB.
    private static final int CHUNK = 1000;

    @TempDir
    java.nio.file.Path dir;

    private BlockFile open(long length) throws IOException {
        return BlockCache.open(dir.resolve("cache")).open("t", length, BLOCK, "id");
    }

    /** Writes {@code [from, to)} of the pattern in chunks, front to back, as heap buffers. */
    private static void writeInOrder(BlockFile file, long from, long to) throws IOException {
        for (long at = from; at < to; at += CHUNK) {
            file.write(at, ByteBuffer.wrap(pattern(at, (int) Math.min(CHUNK, to - at))));
        }
    }

    private static byte[] garbage(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] fileBytes(BlockFile file, int index) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(file.layout().lengthOf(index));
        file.read(file.layout().offsetOf(index), bytes);
        return Arrays.copyOf(bytes.array(), bytes.position());
    }

    @Test
    void blocksWrittenInOrderCommitWithoutReadBackAndWithTheirHash() throws IOException {
        int length = 3 * BLOCK + 700;
        try (BlockFile file = open(length)) {
            file.expectBlockHash(1, sha256(pattern(BLOCK, BLOCK)));
            // Payloads behind a header in one pooled direct "datagram", as a receiver writes them.
            ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(32 + CHUNK);
            try {
                for (long at = 0; at < length; at += CHUNK) {
                    int take = (int) Math.min(CHUNK, length - at);
                    datagram.clear().writeZero(32).writeBytes(pattern(at, take));
                    file.write(at, datagram, 32, take);
                    assertEquals(0, datagram.readerIndex());
                }
            } finally {
                datagram.release();
            }
            for (int index = 0; index < 4; index++) {
                assertTrue(file.commitBlock(index), "block " + index);
                long offset = file.layout().offsetOf(index);
                assertArrayEquals(sha256(pattern(offset, file.layout().lengthOf(index))), file.presentBlockHash(index));
            }
            assertEquals(length, file.bytesHashedAsWritten());
            assertEquals(0, file.bytesReadBack());
            assertArrayEquals(pattern(BLOCK, BLOCK), fileBytes(file, 1));
        }
    }

    @Test
    void everyWriteMethodAndBufferKindFeedsTheDigestWithTheBytesItWrites() throws IOException {
        int blocks = 7;
        try (BlockFile file = open((long) blocks * BLOCK)) {
            for (int index = 0; index < blocks; index++) {
                long start = (long) index * BLOCK;
                for (long at = start; at < start + BLOCK; at += CHUNK) {
                    int take = (int) Math.min(CHUNK, start + BLOCK - at);
                    byte[] bytes = pattern(at, take);
                    switch (index) {
                        case 0 -> {
                            ByteBuffer heap = ByteBuffer.wrap(bytes);
                            file.write(at, heap);
                            assertFalse(heap.hasRemaining(), "consumed, as before");
                        }
                        case 1 -> {
                            ByteBuffer direct = ByteBuffer.allocateDirect(take + 10);
                            direct.position(10);
                            direct.put(bytes).position(10);
                            file.write(at, direct);
                            assertFalse(direct.hasRemaining());
                        }
                        case 2 -> file.write(at, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
                        case 3 -> {
                            byte[] padded = new byte[7 + take];
                            System.arraycopy(bytes, 0, padded, 7, take);
                            file.write(at, Unpooled.wrappedBuffer(padded).slice(7, take)); // an array offset
                        }
                        case 4 -> {
                            CompositeByteBuf composite = Unpooled.compositeBuffer();
                            composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOf(bytes, take / 2)));
                            composite.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, take / 2, take - take / 2));
                            try {
                                assertEquals(take, file.writeToMissing(at, composite));
                                assertEquals(take, composite.readableBytes());
                            } finally {
                                composite.release();
                            }
                        }
                        case 5 -> {
                            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(take + 5);
                            try {
                                direct.writeZero(5).writeBytes(bytes);
                                file.write(at, direct.slice(5, take));
                            } finally {
                                direct.release();
                            }
                        }
                        default -> file.write(at, Unpooled.wrappedBuffer(bytes).asReadOnly());
                    }
                }
            }
            for (int index = 0; index < blocks; index++) {
                assertTrue(file.commitBlock(index));
                assertArrayEquals(sha256(pattern((long) index * BLOCK, BLOCK)), file.presentBlockHash(index),
                        "block " + index);
                assertArrayEquals(pattern((long) index * BLOCK, BLOCK), fileBytes(file, index), "block " + index);
            }
            assertEquals((long) blocks * BLOCK, file.bytesHashedAsWritten());
            assertEquals(0, file.bytesReadBack());
        }
    }

    @Test
    void outOfOrderChunksAreReadBackAndHashedAsTheFileHoldsThem() throws IOException {
        try (BlockFile file = open(2 * BLOCK)) {
            // Block 0 from its end to its start: the last write is the first chunk, which starts a
            // digest that then covers one chunk only.
            for (long at = 4 * CHUNK; at >= 0; at -= CHUNK) {
                file.write(at, ByteBuffer.wrap(pattern(at, (int) Math.min(CHUNK, BLOCK - at))));
            }
            // Block 1: first chunk, third, then second and the rest.
            writeInOrder(file, BLOCK, BLOCK + CHUNK);
            writeInOrder(file, BLOCK + 2 * CHUNK, BLOCK + 3 * CHUNK);
            writeInOrder(file, BLOCK + CHUNK, BLOCK + 2 * CHUNK);
            writeInOrder(file, BLOCK + 3 * CHUNK, 2 * BLOCK);
            for (int index = 0; index < 2; index++) {
                assertTrue(file.commitBlock(index));
                assertArrayEquals(sha256(pattern((long) index * BLOCK, BLOCK)), file.presentBlockHash(index));
            }
            assertEquals(0, file.bytesHashedAsWritten());
            assertEquals(2 * BLOCK, file.bytesReadBack());
        }
    }

    @Test
    void aCorruptChunkRewrittenAtItsOffsetIsReadBackAndAccepted() throws IOException {
        byte[] block = pattern(0, BLOCK);
        try (BlockFile file = open(BLOCK)) {
            file.expectBlockHash(0, sha256(block));
            writeInOrder(file, 0, CHUNK);
            file.write(CHUNK, ByteBuffer.wrap(garbage(CHUNK, 1))); // in order, but wrong
            writeInOrder(file, CHUNK, BLOCK); // the same offset again, right this time, and the rest
            assertTrue(file.commitBlock(0), "the file holds the block; a digest fed the corrupt chunk would not match");
            assertArrayEquals(sha256(block), file.presentBlockHash(0));
            assertEquals(BLOCK, file.bytesReadBack());
            assertEquals(0, file.bytesHashedAsWritten());
        }
    }

    @Test
    void aCorruptRewriteAfterAnHonestStreamIsRefused() throws IOException {
        try (BlockFile file = open(2 * BLOCK)) {
            file.expectBlockHash(0, sha256(pattern(0, BLOCK)));
            // Both blocks stream honestly to their end; then a "duplicate" with other bytes lands
            // inside each, behind the digest's back.
            writeInOrder(file, 0, 2 * BLOCK);
            byte[] hostile = garbage(CHUNK, 2);
            file.write(2 * CHUNK, ByteBuffer.wrap(hostile));
            file.write(BLOCK + 2 * CHUNK, ByteBuffer.wrap(hostile));
            assertFalse(file.commitBlock(0), "the file no longer holds the expected block");
            assertFalse(file.hasBlock(0));
            assertTrue(file.commitBlock(1), "no hash expected: present, with the hash of what the file holds");
            byte[] held = pattern(BLOCK, BLOCK);
            System.arraycopy(hostile, 0, held, 2 * CHUNK, CHUNK);
            assertArrayEquals(sha256(held), file.presentBlockHash(1));
            assertArrayEquals(held, fileBytes(file, 1));
            assertEquals(2 * BLOCK, file.bytesReadBack());
            assertEquals(0, file.bytesHashedAsWritten());
        }
    }

    @Test
    void overlappingWritesAreReadBack() throws IOException {
        byte[] block = pattern(0, BLOCK);
        try (BlockFile file = open(BLOCK)) {
            file.expectBlockHash(0, sha256(block));
            // The first write's tail is wrong; the second starts inside it and puts it right.
            byte[] first = pattern(0, CHUNK);
            Arrays.fill(first, 600, CHUNK, (byte) 0x5a);
            file.write(0, ByteBuffer.wrap(first));
            file.write(600, ByteBuffer.wrap(pattern(600, CHUNK)));
            writeInOrder(file, 600 + CHUNK, BLOCK);
            assertTrue(file.commitBlock(0));
            assertArrayEquals(sha256(block), file.presentBlockHash(0));
            assertEquals(BLOCK, file.bytesReadBack());
        }
    }

    @Test
    void aWriteAcrossTwoBlocksFeedsEachOfThemExactly() throws IOException {
        try (BlockFile file = open(4 * BLOCK)) {
            // Blocks 0 and 1 in one write each side of their border, then the rest in order: both
            // stream. Block 2 is entered in its middle by a write that also starts block 3.
            writeInOrder(file, 0, BLOCK - 300);
            file.write(BLOCK - 300, ByteBuffer.wrap(pattern(BLOCK - 300, 600)));
            writeInOrder(file, BLOCK + 300, 2 * BLOCK);
            writeInOrder(file, 2 * BLOCK, 2 * BLOCK + CHUNK);
            file.write(3 * BLOCK - 300, ByteBuffer.wrap(pattern(3 * BLOCK - 300, 600)));
            writeInOrder(file, 2 * BLOCK + CHUNK, 3 * BLOCK - 300);
            writeInOrder(file, 3 * BLOCK + 300, 4 * BLOCK);
            for (int index = 0; index < 4; index++) {
                assertTrue(file.commitBlock(index));
                assertArrayEquals(sha256(pattern((long) index * BLOCK, BLOCK)), file.presentBlockHash(index));
            }
            assertEquals(BLOCK, file.bytesReadBack(), "block 2 only");
            assertEquals(3 * BLOCK, file.bytesHashedAsWritten());
        }
    }

    @Test
    void theBlockAdvancedLeastRecentlyIsEvictedAndReadBack() throws IOException {
        int blocks = InOrderDigests.SLOTS + 1;
        try (BlockFile file = open((long) blocks * BLOCK)) {
            // Round robin over one block more than there are digests: starting the last block takes
            // the digest of block 0, which then goes on without one.
            for (long within = 0; within < BLOCK; within += CHUNK) {
                for (int index = 0; index < blocks; index++) {
                    long at = (long) index * BLOCK + within;
                    file.write(at, ByteBuffer.wrap(pattern(at, (int) Math.min(CHUNK, BLOCK - within))));
                }
            }
            for (int index = 0; index < blocks; index++) {
                long readBefore = file.bytesReadBack();
                assertTrue(file.commitBlock(index));
                assertArrayEquals(sha256(pattern((long) index * BLOCK, BLOCK)), file.presentBlockHash(index));
                assertEquals(index == 0 ? BLOCK : 0, file.bytesReadBack() - readBefore, "block " + index);
            }
            assertEquals((long) InOrderDigests.SLOTS * BLOCK, file.bytesHashedAsWritten());
        }
    }

    @Test
    void aBlockStreamedWithWrongBytesIsRefusedThenAcceptedWhenSentAgainFromItsStart() throws IOException {
        byte[] block = pattern(0, BLOCK);
        try (BlockFile file = open(BLOCK)) {
            file.expectBlockHash(0, sha256(block));
            byte[] wrong = block.clone();
            wrong[BLOCK - 1] ^= 1;
            for (int at = 0; at < BLOCK; at += CHUNK) {
                file.write(at, ByteBuffer.wrap(wrong, at, Math.min(CHUNK, BLOCK - at)).slice());
            }
            assertFalse(file.commitBlock(0));
            assertFalse(file.hasBlock(0));
            assertNull(file.presentBlockHash(0));
            assertEquals(BLOCK, file.bytesHashedAsWritten(), "refused without reading back");
            // Fetched again front to back (a repair): the digest starts afresh at the first byte.
            writeInOrder(file, 0, BLOCK);
            assertTrue(file.commitBlock(0));
            assertArrayEquals(sha256(block), file.presentBlockHash(0));
            assertEquals(2 * BLOCK, file.bytesHashedAsWritten());
            assertEquals(0, file.bytesReadBack());
        }
    }

    @Test
    void aBlockWrittenWholeForgetsItsRunningDigest() throws IOException {
        byte[] block = pattern(0, BLOCK);
        byte[] first = garbage(CHUNK, 3);
        byte[] forged = block.clone();
        System.arraycopy(first, 0, forged, 0, CHUNK);
        try (BlockFile file = open(BLOCK)) {
            // A first chunk with other bytes starts a digest; the seeder then writes the whole block,
            // verified in memory, over it.
            file.write(0, ByteBuffer.wrap(first));
            file.expectBlockHash(0, sha256(block));
            assertTrue(file.writeVerifiedBlock(0, ByteBuffer.wrap(block), sha256(block)));
            // A manifest then names the forged block, which drops this one; the rest of the block
            // arrives again in order. The file holds the honest block, not the forged one: a digest
            // kept from the first chunk would vouch for the forged one.
            assertFalse(file.expectBlockHash(0, sha256(forged)));
            writeInOrder(file, CHUNK, BLOCK);
            assertFalse(file.commitBlock(0));
            assertFalse(file.hasBlock(0));
            assertEquals(BLOCK, file.bytesReadBack());
            assertEquals(0, file.bytesHashedAsWritten());
            // Dropped and committed again with no expectation left to fail: the hash of the file.
            file.expectBlockHash(0, sha256(block));
            file.dropBlock(0);
            assertTrue(file.commitBlock(0));
            assertArrayEquals(sha256(block), file.presentBlockHash(0));
        }
    }

    @Test
    void aWriteThatFailsAfterItsBytesWereHashedForgetsTheDigest() throws IOException {
        // A block bigger than a staged run, and a write bigger than one (StagedRun.CAPACITY), so that
        // the content file writes it at once, through the buffer's own file write, which fails.
        int block = 2 * StagedRun.CAPACITY;
        int failing = StagedRun.CAPACITY + 1;
        byte[] honest = pattern(0, block);
        byte[] lost = garbage(failing, 4);
        byte[] hashed = honest.clone();
        System.arraycopy(lost, 0, hashed, CHUNK, failing);
        try (BlockFile file = BlockCache.open(dir.resolve("cache")).open("t", block, block, "id")) {
            file.expectBlockHash(0, sha256(hashed));
            writeInOrder(file, 0, CHUNK);
            // The next bytes are hashed, then their write fails (a full disk) before any byte lands.
            CompositeByteBuf disk = new CompositeByteBuf(ByteBufAllocator.DEFAULT, false, 2) {
                @Override
                public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
                    throw new IOException("no space left on device");
                }
            };
            disk.addComponents(true, Unpooled.wrappedBuffer(lost, 0, 10), Unpooled.wrappedBuffer(lost, 10, failing - 10));
            try {
                assertThrows(IOException.class, () -> file.write(CHUNK, disk));
            } finally {
                disk.release();
            }
            // The rest arrives in order: the file holds the first chunk, then nothing, then the rest.
            writeInOrder(file, CHUNK + failing, block);
            assertFalse(file.commitBlock(0), "the digest saw bytes the file never got");
            assertEquals(block, file.bytesReadBack());
        }
    }

    @Test
    void randomWritesNeverLetACommitVouchForBytesTheFileDoesNotHold() throws IOException {
        int length = 5 * BLOCK + 333;
        long streamed = 0;
        long readBack = 0;
        for (int seed = 0; seed < 40; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            try (BlockFile file = BlockCache.open(dir.resolve("fuzz" + seed)).open("t", length, BLOCK, "id")) {
                BlockLayout layout = file.layout();
                int blocks = layout.blockCount();
                long[] next = new long[blocks]; // where an honest in-order writer of each block is
                for (int index = 0; index < blocks; index++) {
                    next[index] = layout.offsetOf(index);
                    if (random.nextBoolean()) {
                        file.expectBlockHash(index, sha256(pattern(layout.offsetOf(index), layout.lengthOf(index))));
                    }
                }
                for (int step = 0; step < 400; step++) {
                    int index = random.nextInt(blocks);
                    long start = layout.offsetOf(index);
                    long end = start + layout.lengthOf(index);
                    int action = random.nextInt(100);
                    if (action < 55) {
                        // The next chunk in order, honest or (rarely) corrupt.
                        if (next[index] >= end) {
                            next[index] = start;
                        }
                        int take = (int) Math.min(1 + random.nextInt(2 * CHUNK), end - next[index]);
                        byte[] bytes = random.nextInt(20) == 0 ? garbage(take, random.nextLong())
                                : pattern(next[index], take);
                        file.write(next[index], ByteBuffer.wrap(bytes));
                        next[index] += take;
                    } else if (action < 75) {
                        // A span anywhere, possibly across blocks, honest or corrupt.
                        long at = random.nextLong(length);
                        int take = (int) Math.min(1 + random.nextInt(2 * CHUNK), length - at);
                        byte[] bytes = random.nextBoolean() ? garbage(take, random.nextLong()) : pattern(at, take);
                        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
                        file.writeToMissing(at, buffer);
                        buffer.release();
                    } else if (action < 80) {
                        byte[] whole = pattern(start, layout.lengthOf(index));
                        file.writeVerifiedBlock(index, ByteBuffer.wrap(whole), sha256(whole));
                    } else if (action < 85) {
                        file.dropBlock(index);
                    } else {
                        boolean wasPresent = file.hasBlock(index);
                        byte[] held = fileBytes(file, index);
                        boolean committed = file.commitBlock(index);
                        if (wasPresent) {
                            assertTrue(committed);
                            continue;
                        }
                        byte[] expected = file.expectedBlockHash(index);
                        boolean whole = held.length == layout.lengthOf(index);
                        boolean matches = whole && (expected == null || Arrays.equals(expected, sha256(held)));
                        assertEquals(matches, committed, "seed " + seed + " step " + step + " block " + index);
                        if (committed) {
                            assertArrayEquals(sha256(held), file.presentBlockHash(index),
                                    "seed " + seed + " step " + step + " block " + index);
                        }
                    }
                }
                streamed += file.bytesHashedAsWritten();
                readBack += file.bytesReadBack();
            }
        }
        assertTrue(streamed > 0 && readBack > 0, "both paths taken: " + streamed + " as written, " + readBack + " read back");
    }
}
