package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consecutive small writes reach the file as one run; whatever looks at the bytes sees them all.
 * The file is also read behind the {@link ContentFile}'s back, to tell staged bytes from written ones.
 */
class ContentFileStagingTest {
    private static final int CHUNK = 1440;
    private static final long LENGTH = 1 << 20;

    @TempDir
    Path dir;

    private final byte[] bytes = new byte[(int) LENGTH];

    ContentFileStagingTest() {
        new Random(7).nextBytes(bytes);
    }

    private void writeChunk(ContentFile file, int offset) throws Exception {
        // Inside a larger buffer, as a datagram's payload lies after its header.
        ByteBuf datagram = Unpooled.directBuffer(CHUNK + 32);
        try {
            datagram.writeZero(32).writeBytes(bytes, offset, CHUNK);
            file.write(offset, datagram, 32, CHUNK);
        } finally {
            datagram.release();
        }
    }

    /** The file's bytes as another reader of the path sees them. */
    private byte[] onDisk(Path path, int offset, int length) throws Exception {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer target = ByteBuffer.allocate(length);
            channel.read(target, offset);
            return target.array();
        }
    }

    private byte[] expected(int offset, int length) {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Test
    void consecutiveChunksWaitInOneRunUntilItBreaks() throws Exception {
        Path path = dir.resolve("content");
        try (ContentFile file = ContentFile.open(path, LENGTH)) {
            for (int i = 0; i < 10; i++) {
                writeChunk(file, i * CHUNK);
            }
            assertArrayEquals(new byte[10 * CHUNK], onDisk(path, 0, 10 * CHUNK), "the run is not written yet");
            writeChunk(file, 20 * CHUNK); // does not continue the run: the run is written, this one staged
            assertArrayEquals(expected(0, 10 * CHUNK), onDisk(path, 0, 10 * CHUNK));
            assertArrayEquals(new byte[CHUNK], onDisk(path, 20 * CHUNK, CHUNK));
        }
        assertArrayEquals(expected(20 * CHUNK, CHUNK), onDisk(path, 20 * CHUNK, CHUNK), "close writes the run");
    }

    @Test
    void aFullRunIsWrittenAndTheNextChunkStartsAnother() throws Exception {
        Path path = dir.resolve("content");
        int fit = StagedRun.CAPACITY / CHUNK;
        try (ContentFile file = ContentFile.open(path, LENGTH)) {
            for (int i = 0; i <= fit; i++) {
                writeChunk(file, i * CHUNK);
            }
            assertArrayEquals(expected(0, fit * CHUNK), onDisk(path, 0, fit * CHUNK));
            assertArrayEquals(new byte[CHUNK], onDisk(path, fit * CHUNK, CHUNK));
        }
    }

    @Test
    void readsAndTheHashingChannelSeeStagedBytes() throws Exception {
        Path path = dir.resolve("content");
        try (ContentFile file = ContentFile.open(path, LENGTH)) {
            writeChunk(file, 0);
            writeChunk(file, CHUNK);
            ByteBuffer target = ByteBuffer.allocate(2 * CHUNK);
            assertEquals(2 * CHUNK, file.read(0, target));
            assertArrayEquals(expected(0, 2 * CHUNK), target.array());

            writeChunk(file, 2 * CHUNK);
            ByteBuffer viaChannel = ByteBuffer.allocate(CHUNK);
            file.channel().read(viaChannel, 2 * CHUNK);
            assertArrayEquals(expected(2 * CHUNK, CHUNK), viaChannel.array());
        }
    }

    @Test
    void aLargerWriteLandsAfterTheStagedRunItOverlaps() throws Exception {
        Path path = dir.resolve("content");
        try (ContentFile file = ContentFile.open(path, LENGTH)) {
            writeChunk(file, 0);
            byte[] other = new byte[CHUNK];
            Arrays.fill(other, (byte) 0x5a);
            file.write(0, ByteBuffer.wrap(other)); // rewrites the staged chunk: it must win
            assertArrayEquals(other, onDisk(path, 0, CHUNK));
        }
        assertArrayEquals(filled(CHUNK, (byte) 0x5a), onDisk(path, 0, CHUNK), "close did not write the old run over it");
    }

    private static byte[] filled(int length, byte value) {
        byte[] array = new byte[length];
        Arrays.fill(array, value);
        return array;
    }

    @Test
    void aRunThatCannotBeWrittenStaysStagedForTheNextFlush() throws Exception {
        Path path = dir.resolve("content");
        Files.write(path, new byte[(int) LENGTH]);
        StagedRun run = new StagedRun();
        ByteBuf chunk = Unpooled.wrappedBuffer(bytes, 0, CHUNK);
        assertTrue(run.append(CHUNK, chunk, 0, CHUNK));
        try (FileChannel readOnly = FileChannel.open(path, StandardOpenOption.READ)) {
            assertThrows(NonWritableChannelException.class, () -> run.flushTo(readOnly));
        }
        assertEquals(CHUNK, run.staged(), "the failed run is kept");
        try (FileChannel writable = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            run.flushTo(writable);
        }
        assertEquals(0, run.staged());
        assertArrayEquals(expected(0, CHUNK), onDisk(path, CHUNK, CHUNK));
    }

    @Test
    void emptyingTheFileDropsItsStagedBytes() throws Exception {
        Path path = dir.resolve("content");
        ContentFile file = ContentFile.open(path, LENGTH);
        writeChunk(file, 0);
        try (ContentFile fresh = file.recreateEmpty()) {
            assertEquals(0, Files.size(fresh.path()));
        }
        assertEquals(0, Files.size(path), "nothing of the old content came back");
    }

    @Test
    void aSourceThatFailsHalfwayLeavesNothingInTheRun() {
        StagedRun run = new StagedRun();
        ByteBuf first = Unpooled.wrappedBuffer(bytes, 0, CHUNK);
        assertTrue(run.append(0, first, 0, CHUNK));
        // Half of it readable, the other half in a component already released: the copy fails halfway.
        ByteBuf gone = Unpooled.directBuffer(CHUNK / 2).writeZero(CHUNK / 2);
        io.netty.buffer.CompositeByteBuf halfGone = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(bytes, CHUNK, CHUNK / 2)).addComponent(true, gone);
        gone.release();
        assertThrows(RuntimeException.class, () -> run.append(CHUNK, halfGone, 0, CHUNK));
        assertEquals(CHUNK, run.staged(), "only the first chunk");
        assertTrue(run.append(CHUNK, Unpooled.wrappedBuffer(bytes, CHUNK, CHUNK), 0, CHUNK), "the run goes on after it");
        assertEquals(2 * CHUNK, run.staged());
    }
}
