package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.session.BasisScan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeder on real files: what it writes into a cache entry is byte for byte the package where it
 * says it found units, whole blocks are committed only when their manifest hash holds, and a run of
 * units is written at the right offsets whatever the run's length or breaks.
 */
class BasisSeederTest {
    private static final int BLOCK = 64 * 1024;
    private static final int UNIT = 4096;

    @TempDir
    Path dir;

    @Test
    void anOlderVersionWithEditsAndAnInsertionSeedsEveryUnchangedUnitInPlace() throws IOException {
        byte[] v1 = random(1, 10 * BLOCK + 1234);
        byte[] v2 = v1.clone();
        randomInto(2, v2, 3 * BLOCK + 100, 5000);          // an edit inside block 3
        v2 = insert(v2, 6 * BLOCK + 17, random(3, 3000));  // everything after block 6 moves
        Seeded seeded = seed(v2, List.of(write("v1", v1)));

        assertEquals(null, seeded.scan.failure());
        BlockFile store = seeded.store;
        int blocks = store.layout().blockCount();
        for (int block = 0; block < blocks; block++) {
            boolean edited = block == 3 || block == 6;
            assertEquals(!edited, store.hasBlock(block), "block " + block);
        }
        // Every unit found holds the package's bytes at its place, written or not whole-block.
        for (int unit = seeded.scan.units().nextSetBit(0); unit >= 0; unit = seeded.scan.units().nextSetBit(unit + 1)) {
            long offset = (long) unit * UNIT;
            int length = (int) Math.min(UNIT, v2.length - offset);
            ByteBuffer read = ByteBuffer.allocate(length);
            store.read(offset, read);
            assertArrayEquals(Arrays.copyOfRange(v2, (int) offset, (int) offset + length), read.array(), "unit " + unit);
        }
        assertTrue(seeded.scan.bytesFound() > v2.length - 2 * BLOCK, "nearly all found: " + seeded.scan.bytesFound());
        // Peers may read the units found in the edited block before it is complete, and nothing else of it.
        long block3 = 3L * BLOCK;
        assertFalse(store.holdsSpan(block3, block3 + UNIT), "the edit's first unit");
        assertFalse(store.holdsSpan(block3 + UNIT, block3 + 3 * UNIT), "a span with the edit's second unit");
        assertTrue(store.holdsSpan(block3 + 2 * UNIT, block3 + 4 * UNIT), "the units after the edit");
        assertTrue(store.holdsSpan(block3 + 2 * UNIT, 4L * BLOCK + 100), "found units and the whole block after");
        VouchedUnits told = VouchedUnits.decode(Files.readAllBytes(store.vouchedFile()), store.layout());
        for (int unit = 0; unit * (long) UNIT < v2.length; unit++) {
            long at = (long) unit * UNIT;
            boolean vouched = told.covers(at, Math.min(v2.length, at + UNIT));
            assertEquals(seeded.scan.units().get(unit), vouched, "unit " + unit + " in the file for peers");
        }
    }

    @Test
    void unitsFromTwoBasesInAnyOrderLandAtTheirOffsets() throws IOException {
        byte[] v2 = random(4, 8 * BLOCK);
        // The second half first, then the first half reversed block by block, in two files.
        byte[] back = Arrays.copyOfRange(v2, 4 * BLOCK, 8 * BLOCK);
        byte[] front = new byte[4 * BLOCK];
        for (int block = 0; block < 4; block++) {
            System.arraycopy(v2, block * BLOCK, front, (3 - block) * BLOCK, BLOCK);
        }
        Seeded seeded = seed(v2, List.of(write("back", back), write("front", front)));

        assertTrue(seeded.store.isComplete(), "every block committed");
        assertEquals(v2.length, seeded.scan.bytesFound());
        assertArrayEquals(v2, Files.readAllBytes(seeded.store.contentPath()));
    }

    @Test
    void aBasisThatDisagreesWithABlockHashCommitsNothingThere() throws IOException {
        byte[] v2 = random(5, 4 * BLOCK);
        Seeded seeded = seed(v2, List.of(write("same", v2)), v -> {
            byte[] lie = v.clone();
            lie[BLOCK + 5] ^= 1; // the manifest's block 1 is of other bytes than the units say
            return lie;
        });
        assertTrue(seeded.store.hasBlock(0));
        assertFalse(seeded.store.hasBlock(1), "the block's SHA-256 decides, not the units alone");
    }

    @Test
    void blocksHeldWholeAndABlockOfZerosAreAllCommitted() throws IOException {
        // Block 2 is zeros: it goes unit by unit (left a hole), every other block whole.
        byte[] v2 = random(6, 5 * BLOCK);
        Arrays.fill(v2, 2 * BLOCK, 3 * BLOCK, (byte) 0);
        Seeded seeded = seed(v2, List.of(write("same", v2)));
        assertTrue(seeded.store.isComplete(), "every block committed");
        assertEquals(v2.length, seeded.scan.bytesFound());
        assertArrayEquals(v2, Files.readAllBytes(seeded.store.contentPath()));
    }

    // ---------------------------------------------------------------- helpers

    private record Seeded(BlockFile store, BasisScan scan) {
    }

    private Seeded seed(byte[] v2, List<Path> bases) throws IOException {
        return seed(v2, bases, v -> v);
    }

    /** Seeds an entry of {@code v2} whose block hashes come from {@code hashedAs(v2)}, units from v2. */
    private Seeded seed(byte[] v2, List<Path> bases, java.util.function.UnaryOperator<byte[]> hashedAs) throws IOException {
        TrustedManifest units = TrustedManifest.of(write("v2", v2), BLOCK, UNIT);
        TrustedManifest hashes = TrustedManifest.of(write("hashed", hashedAs.apply(v2)), BLOCK, UNIT);
        BlockFile store = BlockCache.open(dir.resolve("cache")).open("task", v2.length, BLOCK, "id");
        hashes.applyTo(store);
        return new Seeded(store, BasisSeeder.seed(units.units(), store, bases));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        randomInto(seed, bytes, 0, length);
        return bytes;
    }

    private static void randomInto(long seed, byte[] bytes, int from, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = from; i < from + length; i++) {
            bytes[i] = (byte) random.nextInt();
        }
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }
}
