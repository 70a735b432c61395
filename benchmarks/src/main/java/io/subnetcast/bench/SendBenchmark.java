package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.send.BlockSender;
import io.subnetcast.core.send.Pacer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The representative's per-datagram decisions: the {@link Pacer}'s token bucket and the
 * {@link BlockSender}'s choice of the next chunk, first pass and retransmissions. No I/O: the
 * clock is a counter advanced by one datagram's time at 1 Gbit/s per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class SendBenchmark {
    private static final int CHUNK = 1440;
    private static final int DATAGRAM = CHUNK + 32;
    /** One 1472-byte datagram at 1 Gbit/s. */
    private static final long DATAGRAM_NS = DATAGRAM * 8L;
    private static final int BLOCKS = 16;

    private Path directory;
    private BlockFile store;
    private Pacer pacer;
    private Pacer emptyPacer;
    private BlockSender sender;
    private BlockSender retransmitter;
    private long nowNs;
    private int retransmitBlock;
    private int retransmitOffset;

    /**
     * Opens a cache entry of 16 committed 1 MiB blocks for the sender to walk.
     *
     * @throws IOException on failure
     */
    @Setup
    public void setUp() throws IOException {
        directory = BenchFiles.tempDirectory("subnetcast-send-bench");
        store = BlockCache.open(directory).open("bench", (long) BLOCKS << 20, 1 << 20, "bench");
        BenchFiles.fillAndCommit(store, 3);
        pacer = new Pacer(1_000_000_000L, DATAGRAM);
        emptyPacer = new Pacer(1_000_000_000L, DATAGRAM);
        sender = new BlockSender(store.layout(), CHUNK, 65_536);
        retransmitter = new BlockSender(store.layout(), CHUNK, 65_536);
        nowNs = 1_000_000_000L;
    }

    /**
     * Closes and deletes the entry.
     *
     * @throws IOException on failure
     */
    @TearDown
    public void tearDown() throws IOException {
        store.close();
        BenchFiles.deleteTree(directory);
    }

    /**
     * One datagram's tokens at line rate: the clock moves by one datagram time, the pacer refills and takes.
     *
     * @return whether the datagram may go
     */
    @Benchmark
    public boolean pacerTryAcquire() {
        nowNs += DATAGRAM_NS;
        return pacer.tryAcquire(nowNs, DATAGRAM);
    }

    /**
     * The wait a sender computes when the bucket is empty (the clock advances by a tenth of a datagram).
     *
     * @return nanoseconds until the next datagram may go
     */
    @Benchmark
    public long pacerNanosUntilAvailable() {
        nowNs += DATAGRAM_NS / 10;
        emptyPacer.tryAcquire(nowNs, DATAGRAM);
        return emptyPacer.nanosUntilAvailable(nowNs, DATAGRAM);
    }

    /**
     * The first pass: {@link BlockSender#next} and {@link BlockSender#advance} for one chunk; a new
     * sender starts over when the 16 MiB pass is done (once per 11,660 chunks).
     *
     * @return the chunk's length
     */
    @Benchmark
    public int blockSenderFirstPass() {
        if (sender.next(store) != BlockSender.CHUNK) {
            sender = new BlockSender(store.layout(), CHUNK, 65_536);
            sender.next(store);
        }
        int length = sender.length();
        sender.advance();
        return length;
    }

    /**
     * A retransmission: one chunk requested (as a NAK range would), then taken from the queue.
     *
     * @return the chunk's length
     */
    @Benchmark
    public int blockSenderRetransmission() {
        retransmitter.requestRetransmission(retransmitBlock, retransmitOffset, CHUNK);
        retransmitOffset += CHUNK;
        if (retransmitOffset >= (1 << 20)) {
            retransmitOffset = 0;
            retransmitBlock = (retransmitBlock + 1) % BLOCKS;
        }
        if (retransmitter.next(store) != BlockSender.CHUNK) {
            throw new IllegalStateException("nothing queued");
        }
        int length = retransmitter.length();
        retransmitter.advance();
        return length;
    }
}
