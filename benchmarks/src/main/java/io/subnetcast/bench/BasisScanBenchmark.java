package io.subnetcast.bench;

import io.subnetcast.core.delta.BasisScanner;
import io.subnetcast.core.delta.ScanStats;
import io.subnetcast.core.delta.TrustedBlocks;
import io.subnetcast.core.delta.UnitIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BasisScanner#scan} of a 64 MiB basis against the {@link UnitIndex} of a 64 MiB new version
 * (4096-byte units); one operation is one whole scan, with a fresh scanner (its table build
 * included: 16 k units). The files are in the system temp directory, so after the first pass this
 * measures the page cache, not the disk. MB/s = 64 MiB / time per operation.
 *
 * <ul>
 *   <li>{@code identical}: the basis is the new version; one checksum and one SHA-256 per unit;</li>
 *   <li>{@code edited}: the basis is the old version: the new one has 3000 bytes inserted in the
 *       middle and sixteen scattered 16 KiB overwrites, so the scan rolls through every edit;</li>
 *   <li>{@code unrelated}: random bytes sharing nothing; rolling and lookup over every byte.</li>
 * </ul>
 *
 * <p>{@code check}: {@code units} checks every unit by its strong hash; {@code blocks} is given the
 * trusted 1 MiB block hashes, as the basis seeder is, and hashes a block held whole once (its sink
 * takes whole blocks, as the seeder's does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class BasisScanBenchmark {
    private static final int LENGTH = 64 << 20;
    private static final int INSERTION = 3000;
    private static final int OVERWRITE = 16 << 10;
    private static final int OVERWRITES = 16;

    /** Which basis is scanned. */
    @Param({"identical", "edited", "unrelated"})
    public String basis;

    /** Unit by unit, or whole blocks where the basis holds them. */
    @Param({"units", "blocks"})
    public String check;

    private Path directory;
    private Path basisFile;
    private UnitIndex index;
    private TrustedBlocks blocks;
    private long sinkBytes;

    /**
     * Writes the new version, the chosen basis and the index.
     *
     * @throws IOException on failure
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = BenchFiles.tempDirectory("subnetcast-delta-bench");
        byte[] v1 = random(LENGTH, 1);
        byte[] v2 = edited(v1);
        Path newVersion = Files.write(directory.resolve("v2"), v2);
        index = UnitIndex.of(newVersion, UnitIndex.DEFAULT_UNIT_SIZE);
        blocks = "blocks".equals(check) ? blockHashes(v2) : null;
        switch (basis) {
            case "identical" -> basisFile = newVersion;
            case "edited" -> basisFile = Files.write(directory.resolve("v1"), v1);
            case "unrelated" -> basisFile = Files.write(directory.resolve("other"), random(LENGTH, 2));
            default -> throw new IllegalArgumentException("unknown basis " + basis);
        }
    }

    /** Removes the files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchFiles.deleteTree(directory);
    }

    /**
     * @return units found, so that the scan is not optimised away
     * @throws IOException on failure
     */
    @Benchmark
    public int scan() throws IOException {
        BasisScanner scanner = new BasisScanner(index, blocks);
        ScanStats stats = scanner.scan(basisFile, new BasisScanner.UnitSink() {
            @Override
            public void found(int unit, ByteBuffer bytes) {
                consume(unit, bytes);
            }

            @Override
            public boolean foundBlock(int block, ByteBuffer bytes, byte[] sha256) {
                consume(block, bytes);
                return true;
            }
        });
        return stats.unitsFound() + (int) sinkBytes;
    }

    // What a real sink does first (look at the bytes), without a write that would dominate.
    private void consume(int unit, ByteBuffer bytes) {
        sinkBytes += bytes.get(bytes.position()) + unit;
    }

    /** The SHA-256 of each 1 MiB block of {@code bytes}, as a trusted manifest gives them. */
    private static TrustedBlocks blockHashes(byte[] bytes) throws IOException {
        int blockSize = 1 << 20;
        int count = (bytes.length + blockSize - 1) / blockSize;
        byte[][] hashes = new byte[count][];
        try {
            for (int block = 0; block < count; block++) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(bytes, block * blockSize, Math.min(blockSize, bytes.length - block * blockSize));
                hashes[block] = sha.digest();
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        return TrustedBlocks.of(blockSize, block -> hashes[block]);
    }

    /** v1 with sixteen scattered 16 KiB overwrites and 3000 bytes inserted in the middle. */
    private static byte[] edited(byte[] v1) {
        int insertAt = v1.length / 2 + 1234;
        byte[] v2 = new byte[v1.length + INSERTION];
        System.arraycopy(v1, 0, v2, 0, insertAt);
        System.arraycopy(random(INSERTION, 3), 0, v2, insertAt, INSERTION);
        System.arraycopy(v1, insertAt, v2, insertAt + INSERTION, v1.length - insertAt);
        byte[] junk = random(OVERWRITE, 4);
        for (int i = 0; i < OVERWRITES; i++) {
            System.arraycopy(junk, 0, v2, i * (v2.length / OVERWRITES) + 777 * (i + 1), OVERWRITE);
        }
        return v2;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
