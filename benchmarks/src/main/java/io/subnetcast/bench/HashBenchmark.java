package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockHashes;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-block SHA-256 with the JDK's {@link MessageDigest} (one reused instance, as
 * {@code BlockFile} keeps one), from a direct buffer (how the cache reads a block back) and from a
 * heap array for comparison. Throughput in bytes per second is {@code ops/s * blockBytes}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class HashBenchmark {
    /** Block size in bytes. */
    @Param({"65536", "262144", "1048576"})
    public int blockBytes;

    private final MessageDigest digest = BlockHashes.newSha256();
    private final byte[] sha = new byte[32];
    private ByteBuffer direct;
    private byte[] heap;

    /** Fills one block of random bytes, direct and on the heap. */
    @Setup
    public void setUp() {
        heap = new byte[blockBytes];
        new SplittableRandom(7).nextBytes(heap);
        direct = ByteBuffer.allocateDirect(blockBytes);
        direct.put(heap).flip();
    }

    /**
     * @return the digest's first byte
     * @throws DigestException never
     */
    @Benchmark
    public byte sha256Direct() throws DigestException {
        direct.clear();
        digest.update(direct);
        digest.digest(sha, 0, sha.length);
        return sha[0];
    }

    /**
     * @return the digest's first byte
     * @throws DigestException never
     */
    @Benchmark
    public byte sha256Heap() throws DigestException {
        digest.update(heap, 0, heap.length);
        digest.digest(sha, 0, sha.length);
        return sha[0];
    }
}
