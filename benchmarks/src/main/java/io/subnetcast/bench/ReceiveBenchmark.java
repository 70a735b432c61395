package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.receive.ChunkTracker;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiver's per-datagram bookkeeping in {@link ChunkTracker}: validate the chunk, look for a
 * duplicate, record it. Blocks are 1 MiB of a 1 GiB package, chunks 1440 bytes (729 per block);
 * the tracker forgets a block when it is whole, so cycling through the package runs forever.
 *
 * <ul>
 *   <li>{@code inOrder}: chunks arrive block after block, as on a clean first pass;</li>
 *   <li>{@code interleaved}: consecutive chunks belong to 8 different blocks, as when retransmissions
 *       and the first pass mix, or datagrams of several blocks are reordered.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class ReceiveBenchmark {
    private static final int CHUNK = 1440;
    private static final int STRIDE = 8;

    private BlockLayout layout;
    private ChunkTracker tracker;
    private ChunkTracker interleavedTracker;
    private int block = 200;
    private int offset;
    private int groupBase = 200;
    private int lane;
    private final int[] laneOffsets = new int[STRIDE];

    /** Creates the trackers. */
    @Setup
    public void setUp() {
        layout = new BlockLayout(1L << 30, 1 << 20);
        tracker = new ChunkTracker(layout, CHUNK);
        interleavedTracker = new ChunkTracker(layout, CHUNK);
    }

    /** @return whether the chunk completed its block */
    @Benchmark
    public boolean inOrder() {
        int length = Math.min(CHUNK, layout.lengthOf(block) - offset);
        boolean whole = accept(tracker, block, offset, length);
        offset += CHUNK;
        if (offset >= layout.lengthOf(block)) {
            offset = 0;
            block = block + 1 == layout.blockCount() ? 200 : block + 1;
        }
        return whole;
    }

    /** @return whether the chunk completed its block */
    @Benchmark
    public boolean interleaved() {
        int current = groupBase + lane;
        int at = laneOffsets[lane];
        int length = Math.min(CHUNK, layout.lengthOf(current) - at);
        boolean whole = accept(interleavedTracker, current, at, length);
        laneOffsets[lane] = at + CHUNK;
        if (++lane == STRIDE) {
            lane = 0;
            if (laneOffsets[0] >= layout.lengthOf(groupBase)) {
                java.util.Arrays.fill(laneOffsets, 0);
                groupBase = groupBase + 2 * STRIDE >= layout.blockCount() ? 200 : groupBase + STRIDE;
            }
        }
        return whole;
    }

    private static boolean accept(ChunkTracker tracker, int block, int offset, int length) {
        if (!tracker.isValidChunk(block, offset, length) || tracker.has(block, offset)) {
            throw new IllegalStateException("chunk " + block + "/" + offset + " refused");
        }
        return tracker.record(block, offset);
    }
}
