package io.subnetcast.core.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner checking unit by unit; {@link BasisScannerBlockTest} runs every test again with
 * trusted block hashes, where whole blocks are checked at once.
 */
class BasisScannerTest {
    static final int UNIT = UnitIndex.DEFAULT_UNIT_SIZE;
    private static final int OVERWRITE = 16 * 1024;
    private static final int INSERTION = 3000;

    @TempDir
    Path dir;

    /** @return the block size whose trusted hashes the scanner gets, 0 for none */
    int blockSize() {
        return 0;
    }

    /** v1: 2 MiB of random bytes; v2: v1 with 3000 bytes inserted in the middle and 3 overwrites. */
    static final class Versions {
        final byte[] v1 = random(2 << 20, 21);
        final int insertAt = (1 << 20) + 1234;
        final int[] overwrites = {100_001, 700_777, 1_600_003};
        final byte[] v2;

        Versions() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(v1, 0, insertAt);
            out.writeBytes(random(INSERTION, 22));
            out.write(v1, insertAt, v1.length - insertAt);
            v2 = out.toByteArray();
            byte[] junk = random(OVERWRITE, 23);
            for (int at : overwrites) {
                System.arraycopy(junk, 0, v2, at, OVERWRITE);
            }
        }

        /** Whether a unit of v2 overlaps an edit (then its bytes may be nowhere in v1). */
        boolean touched(long offset, int length) {
            for (int at : overwrites) {
                if (overlaps(offset, length, at, OVERWRITE)) {
                    return true;
                }
            }
            return overlaps(offset, length, insertAt, INSERTION);
        }

        private static boolean overlaps(long offset, int length, long at, int span) {
            return offset < at + span && at < offset + length;
        }
    }

    @Test
    void findsEveryUnitAnEditDidNotTouch() throws IOException {
        Versions versions = new Versions();
        Path basis = write("v1", versions.v1);
        int[] missing = null;
        // The default buffer, and small ones whose refills fall inside windows and matches.
        for (int bufferSize : new int[] {0, 2 * UNIT, 3 * UNIT + 7, 64 * 1024 + 1}) {
            Delta delta = delta(versions.v2, bufferSize);
            ScanStats stats = delta.scan(basis);
            UnitIndex index = delta.index;
            int notFound = 0;
            for (int unit = 0; unit < index.unitCount(); unit++) {
                boolean touched = versions.touched(index.offsetOf(unit), index.lengthOf(unit));
                boolean found = delta.scanner.isFound(unit);
                assertTrue(touched || found, "untouched unit " + unit + " not found");
                notFound += found ? 0 : 1;
            }
            // Each unaligned 16 KiB overwrite touches at most 5 units, the insertion at most 2.
            assertTrue(notFound <= 3 * 5 + 2, notFound + " units not found");
            assertEquals(index.unitCount() - notFound, stats.unitsFound());
            assertEquals(delta.scanner.foundCount(), stats.unitsFound());
            assertEquals(delta.bytes, stats.bytesFound());
            assertEquals(delta.scanner.foundBytes(), stats.bytesFound());
            assertEquals(versions.v1.length, stats.bytesRead());
            int[] missingHere = IntStream.range(0, index.unitCount())
                    .filter(unit -> !delta.scanner.isFound(unit)).toArray();
            if (missing != null) {
                assertArrayEquals(missing, missingHere, "buffer " + bufferSize);
            }
            missing = missingHere;
        }
    }

    @Test
    void aBasisEqualToTheNewVersionGivesEveryUnit() throws IOException {
        byte[] v2 = new Versions().v2;
        assertTrue(v2.length % UNIT != 0);
        Delta delta = delta(v2, 0);
        ScanStats stats = delta.scan(write("basis", v2));
        int units = delta.index.unitCount();
        assertEquals(units, stats.unitsFound());
        assertEquals(v2.length, stats.bytesFound());
        assertTrue(delta.scanner.isFound(units - 1), "short last unit");
        assertEquals(units, delta.count);
    }

    @Test
    void anUnrelatedBasisGivesNothing() throws IOException {
        Delta delta = delta(random(1 << 20, 31), 0);
        ScanStats stats = delta.scan(write("other", random(3 << 20, 32)));
        assertEquals(0, stats.unitsFound());
        assertEquals(3 << 20, stats.bytesRead());
        assertEquals(0, delta.scanner.foundCount());
    }

    @Test
    void aWeakMatchWithDifferentBytesIsNotReported() throws IOException {
        // A polynomial hash modulo 2^32 cannot tell a Thue-Morse string of length 128 from its
        // complement (Thue-Morse collisions): unit 3 of the basis has the complement.
        byte[] v2 = random(8 * UNIT, 41);
        byte[] basis = v2.clone();
        for (int i = 0; i < 128; i++) {
            boolean odd = Integer.bitCount(i) % 2 == 1;
            v2[3 * UNIT + 100 + i] = (byte) (odd ? 1 : 2);
            basis[3 * UNIT + 100 + i] = (byte) (odd ? 2 : 1);
        }
        assertFalse(Arrays.equals(v2, basis));
        assertEquals(RollingChecksum.of(v2, 3 * UNIT, UNIT), RollingChecksum.of(basis, 3 * UNIT, UNIT));
        Delta delta = delta(v2, 0);
        delta.scan(write("basis", basis));
        assertFalse(delta.scanner.isFound(3));
        assertEquals(7, delta.scanner.foundCount());
        assertEquals(7, delta.count);
    }

    @Test
    void basesScannedInTurnEachContributeAndNoUnitTwice() throws IOException {
        byte[] v2 = random(16 * UNIT + 500, 51);
        Delta delta = delta(v2, 0);
        // Units 0-7, then units 4-16 (the short one too) in another file behind other bytes.
        Path first = write("a", concat(Arrays.copyOf(v2, 8 * UNIT), random(5000, 52)));
        Path second = write("b", concat(random(777, 53), Arrays.copyOfRange(v2, 4 * UNIT, v2.length)));
        assertEquals(8, delta.scan(first).unitsFound());
        ScanStats stats = delta.scan(second);
        assertEquals(9, stats.unitsFound());
        assertEquals(8L * UNIT + 500, stats.bytesFound());
        assertEquals(17, delta.scanner.foundCount());
        assertEquals(17, delta.count);
        assertEquals(v2.length, delta.scanner.foundBytes());
        // A third scan finds nothing and stops before reading.
        ScanStats third = delta.scan(write("c", v2));
        assertEquals(0, third.unitsFound());
        assertEquals(0, third.bytesRead());
    }

    @Test
    void repeatedContentIsFoundFromOneCopy() throws IOException {
        Delta delta = delta(new byte[8 * UNIT], 0);
        byte[] basis = concat(random(10_001, 61), new byte[UNIT], random(5000, 62));
        assertEquals(8, delta.scan(write("basis", basis)).unitsFound());
        assertEquals(8, delta.count);
    }

    @Test
    void aUnitFoundAfterAMatchBringsItsTwins() throws IOException {
        // Units 1 and 3 are zeros; the basis has units 0 and 1 in order, so unit 1 is found as
        // the unit following a match (by its strong hash alone), and unit 3 must come with it.
        byte[] v2 = concat(random(UNIT, 65), new byte[UNIT], random(UNIT, 66), new byte[UNIT]);
        Delta delta = delta(v2, 0);
        assertEquals(3, delta.scan(write("basis", Arrays.copyOf(v2, 2 * UNIT))).unitsFound());
        assertTrue(delta.scanner.isFound(3));
        assertFalse(delta.scanner.isFound(2));
    }

    @Test
    void aBasisLargerThanThePackageGivesEveryUnit() throws IOException {
        byte[] v2 = random(40 * UNIT + 123, 71);
        Delta delta = delta(v2, 5 * UNIT + 3);
        byte[] basis = concat(random(10_000, 72), v2, random(50_000, 73));
        assertEquals(41, delta.scan(write("basis", basis)).unitsFound());
        assertEquals(41, delta.count);
    }

    @Test
    void shortLastUnitFoundAtTheEndOfABasis() throws IOException {
        byte[] v2 = random(3 * UNIT + 900, 81);
        Delta delta = delta(v2, 0);
        // Only the tail of the new version, after other bytes: no full unit precedes it.
        byte[] basis = concat(random(6000, 82), Arrays.copyOfRange(v2, 3 * UNIT, v2.length));
        assertEquals(1, delta.scan(write("basis", basis)).unitsFound());
        assertTrue(delta.scanner.isFound(3));
    }

    @Test
    void emptyAndShortBasesGiveNothing() throws IOException {
        byte[] v2 = random(4 * UNIT, 91);
        Delta delta = delta(v2, 0);
        ScanStats empty = delta.scan(write("empty", new byte[0]));
        assertEquals(0, empty.unitsFound());
        assertEquals(0, empty.bytesRead());
        ScanStats shortScan = delta.scan(write("short", Arrays.copyOf(v2, UNIT - 1)));
        assertEquals(0, shortScan.unitsFound());
        assertEquals(UNIT - 1, shortScan.bytesRead());
        assertEquals(0, delta.count);
    }

    @Test
    void anUnreadableBasisIsAnIoExceptionNamingIt() throws IOException {
        BasisScanner scanner = delta(random(UNIT, 101), 0).scanner;
        Path missing = dir.resolve("no such basis");
        IOException e = assertThrows(IOException.class, () -> scanner.scan(missing, (u, b) -> { }));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        IOException directory = assertThrows(IOException.class, () -> scanner.scan(dir, (u, b) -> { }));
        assertTrue(directory.getMessage().contains(dir.toString()), directory.getMessage());
    }

    @Test
    void aUnitWhoseSinkFailsIsNotCounted() throws IOException {
        byte[] v2 = random(2 * UNIT, 111);
        Delta delta = delta(v2, 0);
        Path basis = write("basis", v2);
        assertThrows(IOException.class, () -> delta.scanner.scan(basis, (u, b) -> {
            throw new IOException("disk full");
        }));
        assertEquals(0, delta.scanner.foundCount());
        assertEquals(2, delta.scan(basis).unitsFound());
    }

    /**
     * @param v2 the new version, written to a file and indexed
     * @param bufferSize the scanner's buffer, 0 for its default
     */
    Delta delta(byte[] v2, int bufferSize) throws IOException {
        UnitIndex index = UnitIndex.of(write("v2", v2), UNIT);
        TrustedBlocks blocks = blockSize() == 0 ? null : trustedBlocks(v2, blockSize());
        return new Delta(v2, index, bufferSize == 0 ? new BasisScanner(index, blocks)
                : new BasisScanner(index, blocks, bufferSize), blockSize());
    }

    /** The SHA-256 of each block of {@code v2}, as a trusted manifest names them. */
    static TrustedBlocks trustedBlocks(byte[] v2, int blockSize) {
        byte[][] hashes = new byte[(v2.length + blockSize - 1) / blockSize][];
        for (int block = 0; block < hashes.length; block++) {
            hashes[block] = sha256(v2, block * blockSize, Math.min(blockSize, v2.length - block * blockSize));
        }
        return TrustedBlocks.of(blockSize, block -> hashes[block]);
    }

    static byte[] sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes, offset, length);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A new version, its index and a scanner; as the sink, checks every unit handed over against
     * the new version and counts them, once each; takes whole blocks (checking their bytes and
     * digest) unless told not to.
     */
    static final class Delta implements BasisScanner.UnitSink {
        final UnitIndex index;
        final BasisScanner scanner;
        private final byte[] v2;
        private final boolean[] seen;
        int count;
        long bytes;
        int blocksTaken;
        boolean takeBlocks = true;
        private final int blockSize;

        Delta(byte[] v2, UnitIndex index, BasisScanner scanner, int blockSize) {
            this.v2 = v2;
            this.blockSize = blockSize;
            this.index = index;
            this.scanner = scanner;
            this.seen = new boolean[index.unitCount()];
        }

        ScanStats scan(Path basis) throws IOException {
            return scanner.scan(basis, this);
        }

        @Override
        public void found(int unit, ByteBuffer unitBytes) {
            assertFalse(seen[unit], "unit " + unit + " reported twice");
            seen[unit] = true;
            byte[] got = new byte[unitBytes.remaining()];
            unitBytes.get(got);
            int offset = (int) index.offsetOf(unit);
            assertArrayEquals(Arrays.copyOfRange(v2, offset, offset + index.lengthOf(unit)), got,
                    "bytes of unit " + unit);
            count++;
            bytes += got.length;
        }

        @Override
        public boolean foundBlock(int block, ByteBuffer blockBytes, byte[] sha256) {
            if (!takeBlocks) {
                return false;
            }
            assertTrue(blockSize > 0, "a block offered to a scanner without block hashes");
            byte[] got = new byte[blockBytes.remaining()];
            blockBytes.get(got);
            int offset = block * blockSize;
            assertArrayEquals(Arrays.copyOfRange(v2, offset, Math.min(v2.length, offset + blockSize)), got,
                    "bytes of block " + block);
            assertArrayEquals(sha256(got, 0, got.length), sha256, "digest of block " + block);
            for (int unit = offset / UNIT; unit < index.unitCount() && index.offsetOf(unit) < offset + got.length; unit++) {
                assertFalse(seen[unit], "unit " + unit + " reported twice");
                seen[unit] = true;
                count++;
            }
            bytes += got.length;
            blocksTaken++;
            return true;
        }
    }

    Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
