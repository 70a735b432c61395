package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A present block's bytes never change, whichever path writes and from whichever thread; that is
 * what lets an entry whose blocks all matched a trusted manifest stating the package's SHA-256 be
 * published without hashing it whole a second time.
 */
class PresentBlocksTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private static ByteBuffer garbage(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 0x5A);
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] read(BlockFile file, long offset, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        file.read(offset, bytes);
        return bytes.array();
    }

    @Test
    void writesSkipPresentBlocksOnEveryPath() throws IOException {
        int length = BLOCK * 3;
        try (BlockFile file = BlockCache.open(dir.resolve("c")).open("t", length, BLOCK, "")) {
            file.write(BLOCK, ByteBuffer.wrap(BlockFileTest.pattern(BLOCK, BLOCK)));
            assertTrue(file.commitBlock(1));
            file.write(BLOCK + 10, garbage(100));
            file.write(BLOCK + 10, Unpooled.wrappedBuffer(garbage(100)));
            assertEquals(0, file.writeToMissing(BLOCK, Unpooled.wrappedBuffer(garbage(BLOCK))));
            assertArrayEquals(BlockFileTest.pattern(BLOCK, BLOCK), read(file, BLOCK, BLOCK), "present block unchanged");

            // A span over blocks 0 to 2 fills the missing blocks around the present one, and the
            // source is consumed as a whole.
            ByteBuffer span = ByteBuffer.wrap(BlockFileTest.pattern(0, length));
            for (int i = BLOCK; i < 2 * BLOCK; i++) {
                span.put(i, (byte) 0x5A);
            }
            file.write(0, span);
            assertFalse(span.hasRemaining());
            assertTrue(file.commitBlock(0));
            assertTrue(file.commitBlock(2));
            assertArrayEquals(BlockFileTest.pattern(0, length), read(file, 0, length));
        }
    }

    /**
     * A writer that keeps writing wrong bytes into blocks while another thread writes the right ones
     * and commits them: once a block is present, nothing the writer sends changes it. Before writes
     * took the commit's lock, the writer's next write landed in the verified block.
     */
    @Test
    void aBlockStaysAsVerifiedWhileAnotherThreadKeepsWritingIntoIt() throws Exception {
        int blocks = 200;
        int length = BLOCK * blocks;
        try (BlockFile file = BlockCache.open(dir.resolve("c")).open("t", length, BLOCK, "")) {
            for (int index = 0; index < blocks; index++) {
                file.expectBlockHash(index, BlockFileTest.sha256(BlockFileTest.pattern((long) index * BLOCK, BLOCK)));
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                started.countDown();
                ByteBuffer wrong = garbage(512);
                try {
                    while (!done.get()) {
                        for (int index = 0; index < blocks; index++) {
                            wrong.clear();
                            file.write((long) index * BLOCK + 1024, wrong);
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "wrong-writer");
            writer.start();
            started.await();
            try {
                for (int index = 0; index < blocks; index++) {
                    long offset = (long) index * BLOCK;
                    int attempts = 0;
                    do {
                        // The wrong writer may land between this write and the commit: then the
                        // commit refuses the block and it is written again, as a receiver would.
                        file.write(offset, ByteBuffer.wrap(BlockFileTest.pattern(offset, BLOCK)));
                        assertTrue(++attempts < 10_000, "block " + index + " never committed");
                    } while (!file.commitBlock(index));
                }
                // Let the writer run over every present block a few more times.
                Thread.sleep(50);
            } finally {
                done.set(true);
                writer.join(10_000);
            }
            assertEquals(null, failure.get());
            assertTrue(file.isComplete());
            assertArrayEquals(BlockFileTest.pattern(0, length), read(file, 0, length), "a present block was overwritten");
        }
    }

    @Test
    void aPackageKnownByItsTrustedBlocksIsPublishedWithoutHashingItAgain() throws IOException {
        int length = BLOCK * 4 + 7;
        byte[] whole = BlockFileTest.pattern(0, length);
        Files.write(dir.resolve("pkg"), whole);
        TrustedManifest manifest = TrustedManifest.of(dir.resolve("pkg"), BLOCK);
        byte[] sha = BlockFileTest.sha256(whole);
        assertArrayEquals(sha, manifest.packageSha256());
        Path out = dir.resolve("out");
        try (BlockFile file = filledEntry("t", whole, manifest)) {
            // Damage behind the cache's back, where no write of the cache can reach: only a whole-file
            // hash would see it, and none is computed, which is the point.
            tamper(file.contentPath(), BLOCK + 3);
            assertArrayEquals(sha, file.publish(out, sha));
        }
        assertFalse(Arrays.equals(whole, Files.readAllBytes(out)), "placed without hashing the content again");
    }

    @Test
    void theWholePackageIsStillHashedWhereTheTrustedBlocksDoNotSettleIt() throws IOException {
        int length = BLOCK * 4 + 7;
        byte[] whole = BlockFileTest.pattern(0, length);
        Files.write(dir.resolve("pkg"), whole);
        TrustedManifest manifest = TrustedManifest.of(dir.resolve("pkg"), BLOCK);
        byte[] sha = BlockFileTest.sha256(whole);

        // The task names another package than the manifest does.
        try (BlockFile file = filledEntry("other-sha", whole, manifest)) {
            byte[] otherSha = sha.clone();
            otherSha[0] ^= 1;
            assertThrows(IntegrityException.class, () -> file.publish(dir.resolve("o1"), otherSha));
        }
        // A manifest of version 2 or 1 states no package SHA-256.
        byte[] v3 = manifest.toBytes();
        byte[] v1 = Arrays.copyOf(v3, 24 + 5 * 32);
        ByteBuffer.wrap(v1).putShort(4, (short) 1);
        TrustedManifest old = TrustedManifest.parse(v1, BlockFileTest.sha256(v1));
        assertEquals(null, old.packageSha256());
        try (BlockFile file = filledEntry("v1", whole, old)) {
            tamper(file.contentPath(), 5);
            assertThrows(IntegrityException.class, () -> file.publish(dir.resolve("o2"), sha));
        }
        // A block hash from another source after the manifest's (it would not be trusted).
        try (BlockFile file = filledEntry("relabelled", whole, manifest)) {
            file.expectBlockHash(0, file.presentBlockHash(0).clone()); // the same hash changes nothing
            tamper(file.contentPath(), 6);
            assertArrayEquals(sha, file.verifyInPlace(sha), "still trusted: checked in place without hashing");
        }
        try (BlockFile file = filledEntry("distrusted", whole, manifest)) {
            byte[] otherHash = new byte[32];
            file.expectBlockHash(4, otherHash); // drops block 4, and the trust with it
            file.write(4L * BLOCK, ByteBuffer.wrap(BlockFileTest.pattern(4L * BLOCK, 7)));
            file.expectBlockHash(4, manifest.hashOf(4));
            assertTrue(file.commitBlock(4));
            tamper(file.contentPath(), 7);
            assertThrows(IntegrityException.class, () -> file.publish(dir.resolve("o3"), sha));
        }
    }

    /** An entry holding every block of {@code whole}, each checked against {@code manifest}. */
    private BlockFile filledEntry(String task, byte[] whole, TrustedManifest manifest) throws IOException {
        BlockFile file = BlockCache.open(dir.resolve("c")).open(task, whole.length, BLOCK, "");
        manifest.applyTo(file);
        for (int index = 0; index < file.layout().blockCount(); index++) {
            long offset = file.layout().offsetOf(index);
            int blockLength = file.layout().lengthOf(index);
            file.write(offset, ByteBuffer.wrap(whole, (int) offset, blockLength));
            assertTrue(file.commitBlock(index));
        }
        return file;
    }

    private static void tamper(Path content, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(content, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), offset);
        }
    }
}
