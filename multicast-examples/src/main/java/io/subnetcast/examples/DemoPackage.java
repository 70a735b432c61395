package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * The demo's package: pseudo-random bytes (so that nothing along the way can compress or
 * deduplicate them), hashed while written.
 *
 * @param file where it is
 * @param length its length
 * @param sha256 its SHA-256
 */
record DemoPackage(Path file, long length, byte[] sha256) {
    private static final int CHUNK = 1 << 20;

    /**
     * @param file where to write it
     * @param length bytes
     * @param seed random seed
     * @return the package
     * @throws IOException if it cannot be written
     */
    static DemoPackage write(Path file, long length, long seed) throws IOException {
        MessageDigest digest = BlockHashes.newSha256();
        byte[] chunk = new byte[CHUNK];
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; written += chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, length - written);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        return new DemoPackage(file, length, digest.digest());
    }
}
