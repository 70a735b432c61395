package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedManifestTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAndGatesEveryBlock() throws Exception {
        int length = 10_000;
        Files.write(dir.resolve("pkg"), BlockFileTest.pattern(0, length));
        TrustedManifest manifest = TrustedManifest.of(dir.resolve("pkg"), 4096);
        byte[] bytes = manifest.toBytes();
        byte[] sha = BlockHashes.newSha256().digest(bytes);
        TrustedManifest parsed = TrustedManifest.parse(bytes, sha);
        assertEquals(3, parsed.layout().blockCount());
        assertArrayEquals(BlockHashes.newSha256().digest(BlockFileTest.pattern(4096, 4096)), parsed.hashOf(1));
        try (BlockFile store = BlockCache.open(dir.resolve("c")).open("t", length, 4096, "")) {
            store.write(0, ByteBuffer.wrap(new byte[4096])); // wrong bytes for block 0, cached before the manifest
            store.commitBlock(0);
            parsed.applyTo(store);
            assertFalse(store.hasBlock(0), "a cached block that disagrees with the manifest is dropped");
            store.write(4096, ByteBuffer.wrap(new byte[4096]));
            assertFalse(store.commitBlock(1), "a wrong block is never committed");
            store.write(4096, ByteBuffer.wrap(BlockFileTest.pattern(4096, 4096)));
            assertTrue(store.commitBlock(1));
        }
    }

    @Test
    void refusesManifestsTheTaskDoesNotName() throws Exception {
        Files.write(dir.resolve("pkg"), BlockFileTest.pattern(0, 5000));
        byte[] bytes = TrustedManifest.of(dir.resolve("pkg"), 1024).toBytes();
        byte[] sha = BlockHashes.newSha256().digest(bytes);
        byte[] tampered = bytes.clone();
        tampered[30] ^= 1;
        assertThrows(IntegrityException.class, () -> TrustedManifest.parse(tampered, sha));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 32);
        assertThrows(IllegalArgumentException.class,
                () -> TrustedManifest.parse(truncated, BlockHashes.newSha256().digest(truncated)));
        byte[] notOurs = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> TrustedManifest.parse(notOurs, BlockHashes.newSha256().digest(notOurs)));
    }

    /** Version 2 names its delta units by SHA-256; the units file is checked against it before use. */
    @Test
    void namesItsDeltaUnitsAndTakesOnlyTheUnitsItNames() throws Exception {
        Files.write(dir.resolve("pkg"), BlockFileTest.pattern(0, 10_000));
        TrustedManifest made = TrustedManifest.of(dir.resolve("pkg"), 4096, 1024);
        byte[] bytes = made.toBytes();
        assertEquals(24 + 3 * 32 + 8 + 32 + 32, bytes.length, "the manifest names the units, it does not hold them");
        assertArrayEquals(BlockHashes.newSha256().digest(BlockFileTest.pattern(0, 10_000)), made.packageSha256());
        byte[] units = made.unitsBytes();
        assertEquals(8 + 10 * (4 + 16), units.length);
        TrustedManifest parsed = TrustedManifest.parse(bytes, BlockHashes.newSha256().digest(bytes));
        assertTrue(parsed.namesUnits());
        assertEquals(null, parsed.units(), "no units before their file is in hand");
        TrustedManifest full = parsed.withUnits(units);
        assertEquals(10, full.units().unitCount());
        assertEquals(1024, full.units().unitSize());
        for (int unit = 0; unit < 10; unit++) {
            assertEquals(made.units().weakOf(unit), full.units().weakOf(unit));
            assertArrayEquals(made.units().strongOf(unit), full.units().strongOf(unit));
        }
        byte[] tampered = units.clone();
        tampered[20] ^= 1;
        assertThrows(IntegrityException.class, () -> parsed.withUnits(tampered), "units the manifest does not name");
        assertThrows(IntegrityException.class, () -> parsed.withUnits(new byte[0]));
        byte[] withoutUnits = TrustedManifest.of(dir.resolve("pkg"), 4096).toBytes();
        TrustedManifest noUnits = TrustedManifest.parse(withoutUnits, BlockHashes.newSha256().digest(withoutUnits));
        assertFalse(noUnits.namesUnits());
        assertArrayEquals(made.packageSha256(), noUnits.packageSha256());
        assertThrows(IllegalStateException.class, () -> noUnits.withUnits(units));
    }

    /**
     * Version 3 adds the package's SHA-256; manifests of versions 1 and 2 (written before it) still
     * parse, state none, and are served as they came.
     */
    @Test
    void readsEveryVersionAndWritesEachBackAsItCame() throws Exception {
        Files.write(dir.resolve("pkg"), BlockFileTest.pattern(0, 10_000));
        byte[] v3 = TrustedManifest.of(dir.resolve("pkg"), 4096, 1024).toBytes();
        assertEquals(3, ByteBuffer.wrap(v3).getShort(4));
        byte[] v2 = Arrays.copyOf(v3, v3.length - 32);
        ByteBuffer.wrap(v2).putShort(4, (short) 2);
        byte[] v1 = Arrays.copyOf(v3, 24 + 3 * 32);
        ByteBuffer.wrap(v1).putShort(4, (short) 1);
        for (byte[] bytes : new byte[][] {v1, v2, v3}) {
            TrustedManifest parsed = TrustedManifest.parse(bytes, BlockHashes.newSha256().digest(bytes));
            assertArrayEquals(bytes, parsed.toBytes());
            assertEquals(bytes != v1, parsed.namesUnits());
            assertEquals(bytes == v3, parsed.packageSha256() != null);
        }
        byte[] noUnits = TrustedManifest.of(dir.resolve("pkg"), 4096).toBytes();
        TrustedManifest parsed = TrustedManifest.parse(noUnits, BlockHashes.newSha256().digest(noUnits));
        assertArrayEquals(noUnits, parsed.toBytes());
        byte[] countWithoutUnits = noUnits.clone();
        ByteBuffer.wrap(countWithoutUnits).putInt(24 + 3 * 32 + 4, 3);
        byte[] hashWithoutUnits = noUnits.clone();
        hashWithoutUnits[24 + 3 * 32 + 8] = 1;
        byte[] v4 = noUnits.clone();
        ByteBuffer.wrap(v4).putShort(4, (short) 4);
        for (byte[] malformed : new byte[][] {countWithoutUnits, hashWithoutUnits, v4}) {
            assertThrows(IllegalArgumentException.class,
                    () -> TrustedManifest.parse(malformed, BlockHashes.newSha256().digest(malformed)));
        }
    }

    /** A manifest with units whose own bytes are what the task names can still be malformed: refused, never used. */
    @Test
    void refusesMalformedManifestsWithUnits() throws Exception {
        Files.write(dir.resolve("pkg"), BlockFileTest.pattern(0, 10_000));
        byte[] bytes = TrustedManifest.of(dir.resolve("pkg"), 4096, 1024).toBytes();
        int descriptor = 24 + 3 * 32;
        byte[] badUnitSize = bytes.clone();
        ByteBuffer.wrap(badUnitSize).putInt(descriptor, 3000); // not a power of two
        byte[] tooBigUnits = bytes.clone();
        ByteBuffer.wrap(tooBigUnits).putInt(descriptor, 8192); // does not divide the 4096-byte block
        byte[] wrongCount = bytes.clone();
        ByteBuffer.wrap(wrongCount).putInt(descriptor + 4, 11);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        byte[] shorter = Arrays.copyOf(bytes, bytes.length - 1);
        for (byte[] malformed : new byte[][] {badUnitSize, tooBigUnits, wrongCount, longer, shorter}) {
            assertThrows(IllegalArgumentException.class,
                    () -> TrustedManifest.parse(malformed, BlockHashes.newSha256().digest(malformed)));
        }
        assertThrows(IllegalArgumentException.class, () -> TrustedManifest.of(dir.resolve("pkg"), 4096, 3000));
        assertThrows(IllegalArgumentException.class, () -> TrustedManifest.of(dir.resolve("pkg"), 4096, 8192));
    }
}
