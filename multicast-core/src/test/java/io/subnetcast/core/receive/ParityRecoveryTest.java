package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.fec.ParityGroups;
import io.subnetcast.core.fec.ParityWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's parity: kept per block, the chunks of a group computed once it holds as many parity
 * chunks as the group misses, its need counted per group, and its memory bounded.
 */
class ParityRecoveryTest {
    private static final int CHUNK = 1000;
    private static final int BLOCK = 100 * CHUNK;
    private static final int BLOCKS = 3;
    private static final long LENGTH = 2L * BLOCK + 12_345;

    @TempDir
    Path dir;
    private BlockFile store;
    private ChunkTracker tracker;
    private byte[] content;
    private final ParityWriter writer = new ParityWriter();

    @BeforeEach
    void open() throws IOException {
        store = BlockCache.open(dir).open("t", LENGTH, BLOCK, "id");
        tracker = new ChunkTracker(store.layout(), CHUNK);
        content = new byte[(int) LENGTH];
        new Random(7).nextBytes(content);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** Writes and records every chunk of a block but those named. */
    private void receiveAllBut(int block, int... missing) throws IOException {
        int length = store.layout().lengthOf(block);
        long base = store.layout().offsetOf(block);
        chunks:
        for (int offset = 0; offset < length; offset += CHUNK) {
            for (int chunk : missing) {
                if (chunk * CHUNK == offset) {
                    continue chunks;
                }
            }
            store.write(base + offset, ByteBuffer.wrap(content, (int) base + offset, Math.min(CHUNK, length - offset)));
            tracker.record(block, offset);
        }
    }

    /** The parity chunk the representative would send, as a datagram's payload at index 5. */
    private ByteBuf parity(int block, int id) {
        int length = store.layout().lengthOf(block);
        ByteBuffer bytes = ByteBuffer.wrap(content, (int) store.layout().offsetOf(block), length).slice();
        ByteBuffer out = ByteBuffer.allocate(CHUNK);
        writer.write(bytes, length, CHUNK, id, out);
        ByteBuf datagram = Unpooled.buffer(5 + CHUNK);
        datagram.writeZero(5).writeBytes(out.flip());
        return datagram;
    }

    private byte[] blockInStore(int block) throws IOException {
        ByteBuffer read = ByteBuffer.allocate(store.layout().lengthOf(block));
        store.read(store.layout().offsetOf(block), read);
        return read.array();
    }

    private byte[] blockInContent(int block) {
        int from = (int) store.layout().offsetOf(block);
        return java.util.Arrays.copyOfRange(content, from, from + store.layout().lengthOf(block));
    }

    @Test
    void aGroupIsRecoveredOnceItHoldsAsManyParityChunksAsItMisses() throws IOException {
        ParityGroups groups = ParityGroups.of(BLOCK, CHUNK);
        assertEquals(1, groups.groups(), "100 chunks: one group");
        receiveAllBut(0, 3, 50, 99);
        ParityRecovery recovery = new ParityRecovery(store.layout(), CHUNK, 64);
        assertEquals(3, recovery.need(tracker, 0));
        assertNull(recovery.onParity(store, tracker, 0, groups.parityId(0, 4), parity(0, groups.parityId(0, 4)), 5));
        assertNull(recovery.onParity(store, tracker, 0, groups.parityId(0, 4), parity(0, groups.parityId(0, 4)), 5),
                "a duplicate counts once");
        assertEquals(2, recovery.need(tracker, 0));
        assertNull(recovery.onParity(store, tracker, 0, groups.parityId(0, 0), parity(0, groups.parityId(0, 0)), 5));
        int[] recovered = recovery.onParity(store, tracker, 0, groups.parityId(0, 9), parity(0, groups.parityId(0, 9)), 5);
        assertNotNull(recovered);
        assertArrayEquals(new int[] {3 * CHUNK, 50 * CHUNK, 99 * CHUNK}, recovered);
        for (int offset : recovered) {
            tracker.record(0, offset);
        }
        assertTrue(store.commitBlock(0));
        assertArrayEquals(blockInContent(0), blockInStore(0));
    }

    @Test
    void theShortLastBlockIsRecoveredToItsLengthAndAWholeLostBlockToo() throws IOException {
        ParityGroups last = ParityGroups.of(12_345, CHUNK);
        ParityRecovery recovery = new ParityRecovery(store.layout(), CHUNK, 64);
        assertEquals(13, recovery.need(tracker, 2), "nothing received: every chunk");
        int[] recovered = null;
        for (int index = 0; index < 13; index++) {
            int id = last.parityId(0, index);
            recovered = recovery.onParity(store, tracker, 2, id, parity(2, id), 5);
            assertEquals(index < 12, recovered == null);
        }
        assertEquals(13, recovered.length);
        for (int offset : recovered) {
            tracker.record(2, offset);
        }
        assertTrue(store.commitBlock(2));
        assertArrayEquals(blockInContent(2), blockInStore(2));
        assertEquals(LENGTH, store.contentPath().toFile().length(), "nothing written past the package's end");
    }

    @Test
    void hostileIdsAndLengthsAreRefusedAndMemoryIsBounded() throws IOException {
        ParityRecovery recovery = new ParityRecovery(store.layout(), CHUNK, 2);
        ParityGroups groups = ParityGroups.of(BLOCK, CHUNK);
        assertFalse(recovery.isValid(-1, 0, CHUNK));
        assertFalse(recovery.isValid(BLOCKS, 0, CHUNK));
        assertFalse(recovery.isValid(0, -1, CHUNK));
        assertFalse(recovery.isValid(0, 1 << 20, CHUNK));
        assertFalse(recovery.isValid(0, 0, CHUNK - 1), "a parity chunk is a whole chunk");
        assertTrue(recovery.isValid(0, groups.parityId(0, groups.maxParity(0) - 1), CHUNK));
        receiveAllBut(1, 10, 20, 30);
        for (int index = 0; index < 3; index++) {
            assertNull(recovery.onParity(store, tracker, 1, groups.parityId(0, index), parity(1, groups.parityId(0, index)), 5));
        }
        assertEquals(2, recovery.chunksHeld(), "the third is dropped at the bound");
        recovery.forget(1);
        assertEquals(0, recovery.chunksHeld());
    }
}
