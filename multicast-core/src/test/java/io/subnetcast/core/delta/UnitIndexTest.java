package io.subnetcast.core.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitIndexTest {
    @TempDir
    Path dir;

    @Test
    void unitsOfAFileWithAShortLastUnit() throws IOException {
        byte[] bytes = random(3 * 4096 + 1000, 1);
        UnitIndex index = UnitIndex.of(write("p", bytes), 4096);
        assertEquals(4096, index.unitSize());
        assertEquals(bytes.length, index.length());
        assertEquals(4, index.unitCount());
        assertEquals(3L * 4096, index.offsetOf(3));
        assertEquals(4096, index.lengthOf(2));
        assertEquals(1000, index.lengthOf(3));
        MessageDigest sha = BlockHashes.newSha256();
        for (int unit = 0; unit < 4; unit++) {
            int offset = (int) index.offsetOf(unit);
            int length = index.lengthOf(unit);
            assertEquals(RollingChecksum.of(bytes, offset, length), index.weakOf(unit));
            sha.update(bytes, offset, length);
            byte[] digest = sha.digest();
            assertTrue(index.strongMatches(unit, digest));
            assertArrayEquals(Arrays.copyOf(digest, UnitIndex.STRONG_LENGTH), index.strongOf(unit));
            digest[15] ^= 1;
            assertFalse(index.strongMatches(unit, digest));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> index.offsetOf(4));
    }

    @Test
    void indexesFilesLargerThanTheReadBuffer() throws IOException {
        byte[] bytes = random((3 << 20) + 512 + 17, 2);
        UnitIndex index = UnitIndex.of(write("big", bytes), 512);
        int last = index.unitCount() - 1;
        assertEquals(6146, index.unitCount());
        assertEquals(17, index.lengthOf(last));
        for (int unit : new int[] {0, 2047, 2048, 4096, last - 1, last}) {
            assertEquals(RollingChecksum.of(bytes, (int) index.offsetOf(unit), index.lengthOf(unit)),
                    index.weakOf(unit));
        }
    }

    @Test
    void emptyFileHasNoUnits() throws IOException {
        UnitIndex index = UnitIndex.of(write("empty", new byte[0]), 4096);
        assertEquals(0, index.unitCount());
        assertEquals(8, index.encodedLength());
        ByteBuffer encoded = encode(index);
        assertEquals(0, UnitIndex.read(encoded, 0).unitCount());
    }

    @Test
    void roundTripsThroughItsEncoding() throws IOException {
        byte[] bytes = random(10 * 1024 + 5, 3);
        UnitIndex index = UnitIndex.of(write("p", bytes), 1024);
        assertEquals(8 + 11 * 20, index.encodedLength());
        // Big-endian whatever order the caller's buffer has.
        ByteBuffer encoded = ByteBuffer.allocate(index.encodedLength() + 3).order(ByteOrder.LITTLE_ENDIAN);
        encoded.put((byte) 9);
        index.writeTo(encoded);
        assertEquals(1 + index.encodedLength(), encoded.position());
        encoded.flip().get();
        assertArrayEquals(new byte[] {0, 0, 4, 0, 0, 0, 0, 11},
                Arrays.copyOfRange(encoded.array(), 1, 9));
        UnitIndex read = UnitIndex.read(encoded, bytes.length);
        assertEquals(1 + index.encodedLength(), encoded.position());
        assertSameIndex(index, read);
        assertArrayEquals(toArray(encode(index)), toArray(encode(read)));
    }

    @Test
    void readRejectsTruncatedBytes() throws IOException {
        byte[] bytes = random(5000, 4);
        UnitIndex index = UnitIndex.of(write("p", bytes), 1024);
        byte[] encoded = toArray(encode(index));
        for (int length = 0; length < encoded.length; length++) {
            ByteBuffer truncated = ByteBuffer.wrap(encoded, 0, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnitIndex.read(truncated, bytes.length), "length " + length);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertEquals(0, truncated.position());
        }
    }

    @Test
    void readRejectsAWrongUnitCount() throws IOException {
        UnitIndex index = UnitIndex.of(write("p", random(5000, 5)), 1024);
        byte[] encoded = toArray(encode(index));
        // The index is of 5 units; a manifest claiming another length does not fit it.
        for (long length : new long[] {4096, 6145, 0, 1L << 40}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnitIndex.read(ByteBuffer.wrap(encoded), length));
            assertTrue(e.getMessage().contains("units"), e.getMessage());
        }
        ByteBuffer huge = ByteBuffer.wrap(encoded.clone());
        huge.putInt(4, -1);
        assertThrows(IllegalArgumentException.class, () -> UnitIndex.read(huge, 5000));
        assertThrows(IllegalArgumentException.class, () -> UnitIndex.read(ByteBuffer.wrap(encoded), -1));
        assertEquals(5, UnitIndex.read(ByteBuffer.wrap(encoded), 4097).unitCount());
    }

    @Test
    void readRejectsABadUnitSize() throws IOException {
        byte[] encoded = toArray(encode(UnitIndex.of(write("p", random(5000, 6)), 1024)));
        for (int unitSize : new int[] {0, -4096, 256, 511, 1000, 3 << 10, 2 << 20, Integer.MIN_VALUE}) {
            ByteBuffer bad = ByteBuffer.wrap(encoded.clone());
            bad.putInt(0, unitSize);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnitIndex.read(bad, 5000), "unit size " + unitSize);
            assertTrue(e.getMessage().contains("unit size"), e.getMessage());
        }
        Path file = write("q", new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> UnitIndex.of(file, 4000));
        assertThrows(IllegalArgumentException.class, () -> UnitIndex.of(file, 256));
    }

    private static void assertSameIndex(UnitIndex expected, UnitIndex actual) {
        assertEquals(expected.unitSize(), actual.unitSize());
        assertEquals(expected.length(), actual.length());
        assertEquals(expected.unitCount(), actual.unitCount());
        for (int unit = 0; unit < expected.unitCount(); unit++) {
            assertEquals(expected.weakOf(unit), actual.weakOf(unit));
            assertArrayEquals(expected.strongOf(unit), actual.strongOf(unit));
            assertEquals(expected.lengthOf(unit), actual.lengthOf(unit));
        }
    }

    private static ByteBuffer encode(UnitIndex index) {
        ByteBuffer out = ByteBuffer.allocate(index.encodedLength());
        index.writeTo(out);
        return out.flip();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
