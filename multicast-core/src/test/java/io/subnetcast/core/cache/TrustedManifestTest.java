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
}
