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

    /**
     * A next version of this package, as a software update tends to be: mostly the same bytes,
     * with scattered overwrites of up to 16 KiB (one per 8 MiB, at most 32) and 3,000 bytes
     * inserted in the middle, so that the second half moves.
     *
     * @param target where to write it
     * @param seed random seed of the new bytes
     * @return the new version and how many of its bytes are new
     * @throws IOException if a file cannot be read or written
     */
    Edited edit(Path target, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int overwrite = (int) Math.max(1, Math.min(16 * 1024, length / 8));
        int overwrites = (int) Math.max(1, Math.min(32, length / (8L << 20)));
        long[] at = new long[overwrites];
        for (int i = 0; i < overwrites; i++) {
            long stretch = length / overwrites;
            at[i] = i * stretch + random.nextLong(Math.max(1, stretch - overwrite));
        }
        long insertAt = length / 2;
        byte[] inserted = new byte[3000];
        random.nextBytes(inserted);
        MessageDigest digest = BlockHashes.newSha256();
        byte[] chunk = new byte[CHUNK];
        long newBytes = inserted.length;
        try (java.io.InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(target)) {
            for (long offset = 0; offset < length; offset += CHUNK) {
                int n = in.readNBytes(chunk, 0, (int) Math.min(CHUNK, length - offset));
                for (long start : at) {
                    long from = Math.max(start, offset);
                    long to = Math.min(Math.min(start + overwrite, length), offset + n);
                    for (long p = from; p < to; p++) {
                        chunk[(int) (p - offset)] = (byte) random.nextInt();
                        newBytes++;
                    }
                }
                int before = insertAt >= offset && insertAt < offset + n ? (int) (insertAt - offset) : n;
                out.write(chunk, 0, before);
                digest.update(chunk, 0, before);
                if (before < n) {
                    out.write(inserted);
                    digest.update(inserted);
                    out.write(chunk, before, n - before);
                    digest.update(chunk, before, n - before);
                }
            }
        }
        return new Edited(new DemoPackage(target, length + inserted.length, digest.digest()), newBytes);
    }

    /**
     * @param version the new version
     * @param newBytes its bytes that the old one does not hold (overwritten and inserted)
     */
    record Edited(DemoPackage version, long newBytes) {
    }
}
