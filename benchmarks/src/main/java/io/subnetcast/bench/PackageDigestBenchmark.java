package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What checking a complete 64 MiB package costs when its copy is placed, the moment a receiver waits
 * for at the end of a transfer: {@code placeHashingEverything} reads and hashes every byte then (the
 * cost before the package's SHA-256 was taken while it arrived); {@code placeAfterHashingAhead} finds
 * the digest taken block by block as blocks became present ({@link BlockFile#hashAheadOn}), here done
 * in the invocation's set-up, outside the timing, as the verify thread does it during the transfer.
 * Before each invocation block 0 is dropped and committed again, which starts the package digest
 * over. The files are in the system temp directory: the page cache, not the disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class PackageDigestBenchmark {
    private static final long PACKAGE = 64L << 20;
    private static final int BLOCK = 1 << 20;

    private Path directory;
    private BlockFile plain;
    private BlockFile ahead;
    private ByteBuffer firstBlock;

    /**
     * Two complete 64 MiB entries of the same bytes; one hashes ahead on the committing thread.
     *
     * @throws IOException on failure
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = BenchFiles.tempDirectory("subnetcast-package-digest-bench");
        BlockCache cache = BlockCache.open(directory);
        plain = cache.open("plain", PACKAGE, BLOCK, "bench");
        ahead = cache.open("ahead", PACKAGE, BLOCK, "bench");
        ahead.hashAheadOn(Runnable::run);
        byte[] bytes = new byte[BLOCK];
        SplittableRandom random = new SplittableRandom(5);
        for (int index = 0; index < plain.layout().blockCount(); index++) {
            random.nextBytes(bytes);
            if (index == 0) {
                firstBlock = ByteBuffer.wrap(bytes.clone());
            }
            for (BlockFile file : new BlockFile[] {plain, ahead}) {
                file.write((long) index * BLOCK, ByteBuffer.wrap(bytes));
                file.commitBlock(index);
            }
        }
    }

    /**
     * Block 0 again: the package digest starts over (and, hashing ahead, catches up at once).
     *
     * @throws IOException on failure
     */
    @Setup(Level.Invocation)
    public void recommitFirstBlock() throws IOException {
        for (BlockFile file : new BlockFile[] {plain, ahead}) {
            file.dropBlock(0);
            file.write(0, firstBlock.duplicate());
            file.commitBlock(0);
        }
    }

    /**
     * Closes and deletes the entries.
     *
     * @throws IOException on failure
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        plain.close();
        ahead.close();
        BenchFiles.deleteTree(directory);
    }

    /**
     * @return the package's SHA-256
     * @throws IOException on a read failure
     */
    @Benchmark
    public byte[] placeHashingEverything() throws IOException {
        return plain.verifyInPlace(null);
    }

    /**
     * @return the package's SHA-256
     * @throws IOException on a read failure
     */
    @Benchmark
    public byte[] placeAfterHashingAhead() throws IOException {
        return ahead.verifyInPlace(null);
    }
}
