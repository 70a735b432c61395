package io.subnetcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.wire.DataHeader;
import java.io.IOException;
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
 * The receiver's write into the block cache: one 1440-byte payload of a pooled direct datagram
 * (what epoll hands the receiver) written at its package offset with a positional
 * {@code FileChannel} write, and the verification of a whole block. The file is in the system temp
 * directory, so this measures the page cache and the system call, not the disk.
 *
 * <ul>
 *   <li>{@code write}: {@link BlockFile#write(long, ByteBuf)} of a payload already cut out (a slice
 *       made once);</li>
 *   <li>{@code writeRootBuffer}: the same with the payload in a pooled direct buffer of its own (not
 *       a view of another buffer);</li>
 *   <li>{@code writeSlice}: the same, with the payload sliced off the datagram per packet as the
 *       session agent does ({@code datagram.slice(payloadIndex, length)});</li>
 *   <li>{@code writeIndexed}: {@link BlockFile#write(long, ByteBuf, int, int)}, the payload named by
 *       index inside the datagram, no slice;</li>
 *   <li>{@code writeToMissing}: {@link BlockFile#writeToMissing}, the checked write peers' bytes take;</li>
 *   <li>{@code commitBlock}: drop and re-commit a 1 MiB block: read it back, SHA-256, journal record;</li>
 *   <li>{@code writeBlockThenCommit}: a receiver's whole block: drop a 1 MiB block, write it again as
 *       729 payloads in order ({@link BlockFile#write(long, ByteBuf, int, int)}, 1440 bytes each but the
 *       last) and commit it (one operation = one block, timed per operation).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class CacheWriteBenchmark {
    private static final int CHUNK = 1440;
    private static final long PACKAGE = 64L << 20;

    private Path directory;
    private BlockFile file;
    private BlockLayout layout;
    private ByteBuf datagram;
    private ByteBuf payload;
    private ByteBuf rootPayload;
    private long position;
    private int commitIndex;
    private int blockIndex;

    /**
     * Creates a 64 MiB entry, written once so that the file is not sparse, with every block uncommitted
     * except what {@code commitBlock} commits.
     *
     * @throws IOException on failure
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = BenchFiles.tempDirectory("subnetcast-cache-bench");
        file = BlockCache.open(directory).open("bench", PACKAGE, 1 << 20, "bench");
        layout = file.layout();
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        DataHeader.write(datagram, 0, CHUNK, 1, 1, 0, 0, 0);
        byte[] bytes = new byte[CHUNK];
        new SplittableRandom(9).nextBytes(bytes);
        datagram.writeBytes(bytes);
        payload = datagram.slice(DataHeader.LENGTH, CHUNK);
        rootPayload = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK).writeBytes(bytes);
        for (long at = 0; at < PACKAGE; at += CHUNK) {
            file.write(at, payload.slice(0, (int) Math.min(CHUNK, PACKAGE - at)));
        }
    }

    /**
     * Closes and deletes the entry.
     *
     * @throws IOException on failure
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        datagram.release();
        rootPayload.release();
        file.close();
        BenchFiles.deleteTree(directory);
    }

    private long nextPosition() {
        long at = position;
        position += CHUNK;
        if (position + CHUNK > PACKAGE) {
            position = 0;
        }
        return at;
    }

    /**
     * @throws IOException on a write failure
     */
    @Benchmark
    public void write() throws IOException {
        file.write(nextPosition(), payload);
    }

    /**
     * @throws IOException on a write failure
     */
    @Benchmark
    public void writeRootBuffer() throws IOException {
        file.write(nextPosition(), rootPayload);
    }

    /**
     * @throws IOException on a write failure
     */
    @Benchmark
    public void writeSlice() throws IOException {
        file.write(nextPosition(), datagram.slice(DataHeader.payloadIndex(datagram), CHUNK));
    }

    /**
     * @throws IOException on a write failure
     */
    @Benchmark
    public void writeIndexed() throws IOException {
        file.write(nextPosition(), datagram, DataHeader.payloadIndex(datagram), CHUNK);
    }

    /**
     * @return bytes written
     * @throws IOException on a write failure
     */
    @Benchmark
    public int writeToMissing() throws IOException {
        return file.writeToMissing(nextPosition(), payload);
    }

    /**
     * @return whether the block verified
     * @throws IOException on a read or journal failure
     */
    @Benchmark
    public boolean commitBlock() throws IOException {
        int index = commitIndex;
        commitIndex = (commitIndex + 1) % layout.blockCount();
        file.dropBlock(index);
        return file.commitBlock(index);
    }

    /**
     * @return whether the block verified
     * @throws IOException on a write, read or journal failure
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean writeBlockThenCommit() throws IOException {
        int index = blockIndex;
        blockIndex = (blockIndex + 1) % layout.blockCount();
        // Present blocks skip writes: dropped first, so that every payload is written again.
        file.dropBlock(index);
        long start = layout.offsetOf(index);
        long end = start + layout.lengthOf(index);
        int payloadIndex = DataHeader.payloadIndex(datagram);
        for (long at = start; at < end; at += CHUNK) {
            file.write(at, datagram, payloadIndex, (int) Math.min(CHUNK, end - at));
        }
        return file.commitBlock(index);
    }
}
