package io.subnetcast.bench;

import io.subnetcast.core.fec.ParityDecoder;
import io.subnetcast.core.fec.ParityEncoder;
import io.subnetcast.core.fec.ParityGroups;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.SplittableRandom;
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
 * Parity chunks ({@code io.subnetcast.core.fec}) of a 1 MiB block of 1440-byte chunks: 729 chunks
 * in 6 groups of 121-122 sources. The block sits in a direct buffer, as the cache reads it.
 *
 * <ul>
 *   <li>{@code encode20PerGroup}: 20 parity chunks of every group (120 in all) with the batch form,
 *       one pass over each group's sources; one operation = one block;</li>
 *   <li>{@code encode20PerGroupOneAtATime}: the same 120 parity chunks one call each, which reads
 *       every source 20 times;</li>
 *   <li>{@code recover2Percent}: a member missing 2 % of the block (15 chunks scattered at random,
 *       at most 4 in a group) rebuilds them from as many parity chunks per group as its worst group
 *       lost; one operation = one block;</li>
 *   <li>{@code kernelMulTable}, {@code kernelLogExp}: the inner loop alone, one 1440-byte source
 *       multiplied into 20 accumulators, with a row of a 64 KiB product table (what {@code Gf256}
 *       does) and with log/exp tables (a branch for zero, two lookups per byte): why the table.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ParityBenchmark {
    private static final int CHUNK = 1440;
    private static final int BLOCK = 1 << 20;
    private static final int PER_GROUP = 20;

    private final ParityGroups layout = ParityGroups.of(BLOCK, CHUNK);
    private final ParityEncoder encoder = new ParityEncoder(CHUNK);
    private final ParityDecoder decoder = new ParityDecoder(CHUNK);
    private ByteBuffer block;
    private int[] ids;
    private ByteBuffer[] outs;

    private BitSet missing;
    private int[] repairIds;
    private ByteBuffer[] repair;

    private final byte[] source = new byte[CHUNK];
    private final byte[][] accumulators = new byte[PER_GROUP][CHUNK];
    private final byte[] mulTable = new byte[256 * 256];
    private final int[] exp = new int[510];
    private final int[] log = new int[256];
    private final byte[][] rows = new byte[256][256];

    /** Fills the block, chooses the losses and encodes the parity chunks that repair them. */
    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] bytes = new byte[BLOCK];
        random.nextBytes(bytes);
        block = ByteBuffer.allocateDirect(BLOCK).put(bytes).clear();
        ids = new int[PER_GROUP * layout.groups()];
        outs = new ByteBuffer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i; // ids 0..119: parity indexes 0..19 of every group
            outs[i] = ByteBuffer.allocateDirect(CHUNK);
        }

        missing = new BitSet();
        while (missing.cardinality() < (layout.chunks() * 2 + 99) / 100) { // 15 of 729
            missing.set(random.nextInt(layout.chunks()));
        }
        repairIds = new int[layout.parityNeeded(missing) * layout.groups()];
        repair = new ByteBuffer[repairIds.length];
        for (int i = 0; i < repairIds.length; i++) {
            repairIds[i] = i;
            repair[i] = ByteBuffer.allocateDirect(CHUNK);
        }
        encoder.encode(block, layout, repairIds, repairIds.length, repair);
        for (ByteBuffer parity : repair) {
            parity.flip();
        }
        if (!decoder.recover(block, layout, missing, repairIds, repair, repair.length).equals(missing)) {
            throw new IllegalStateException("the parity chunks do not repair the block");
        }

        random.nextBytes(source);
        int x = 1;
        for (int i = 0; i < 255; i++) {
            exp[i] = x;
            log[x] = i;
            x = (x << 1) ^ ((x & 0x80) != 0 ? 0x11D : 0);
        }
        System.arraycopy(exp, 0, exp, 255, 255);
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                mulTable[(a << 8) | b] = (byte) exp[log[a] + log[b]];
                rows[a][b] = mulTable[(a << 8) | b];
            }
        }
    }

    /** @return a byte of the last parity chunk */
    @Benchmark
    public byte encode20PerGroup() {
        for (ByteBuffer out : outs) {
            out.clear();
        }
        encoder.encode(block, layout, ids, ids.length, outs);
        return outs[outs.length - 1].get(0);
    }

    /** @return a byte of the last parity chunk */
    @Benchmark
    public byte encode20PerGroupOneAtATime() {
        for (int i = 0; i < ids.length; i++) {
            encoder.encode(block, layout, ids[i], outs[i].clear());
        }
        return outs[outs.length - 1].get(0);
    }

    /** @return the number of chunks recovered (15) */
    @Benchmark
    public int recover2Percent() {
        return decoder.recover(block, layout, missing, repairIds, repair, repair.length).cardinality();
    }

    /** @return a byte of the last accumulator */
    @Benchmark
    public byte kernelMulTable() {
        byte[] table = mulTable;
        for (int lane = 0; lane < PER_GROUP; lane++) {
            byte[] acc = accumulators[lane];
            int row = (lane + 2) << 8;
            for (int i = 0; i < CHUNK; i++) {
                acc[i] ^= table[row | (source[i] & 0xFF)];
            }
        }
        return accumulators[PER_GROUP - 1][0];
    }

    /** @return a byte of the last accumulator */
    @Benchmark
    public byte kernelRowArrays() {
        for (int lane = 0; lane < PER_GROUP; lane++) {
            byte[] acc = accumulators[lane];
            byte[] row = rows[lane + 2];
            for (int i = 0; i < CHUNK; i++) {
                acc[i] ^= row[source[i] & 0xFF];
            }
        }
        return accumulators[PER_GROUP - 1][0];
    }

    /** @return a byte of the last accumulator */
    @Benchmark
    public byte kernelLogExp() {
        for (int lane = 0; lane < PER_GROUP; lane++) {
            byte[] acc = accumulators[lane];
            int logC = log[lane + 2];
            for (int i = 0; i < CHUNK; i++) {
                int s = source[i] & 0xFF;
                if (s != 0) {
                    acc[i] ^= (byte) exp[logC + log[s]];
                }
            }
        }
        return accumulators[PER_GROUP - 1][0];
    }
}
