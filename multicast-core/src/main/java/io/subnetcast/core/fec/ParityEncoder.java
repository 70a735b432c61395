package io.subnetcast.core.fec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Computes parity chunks of a block. Not thread-safe; its scratch is allocated once, so encoding
 * allocates nothing.
 *
 * <p>The cost is one table lookup and XOR per source byte per parity chunk. The batch form
 * computes up to {@value #LANES} parity chunks of one group in one pass over the group's sources,
 * so each source is read from the block once per pass rather than once per parity chunk.
 */
public final class ParityEncoder {
    /**
     * Parity chunks of one group computed per pass: 32 accumulators of 1440 bytes (46 KB) stay in
     * the L2 cache next to the 32 multiplication rows they use.
     */
    static final int LANES = 32;

    private final int chunkSize;
    private final byte[] source;
    private final byte[][] accumulators;
    /** Per lane: the parity index in its group, and which entry of the caller's batch it is. */
    private final int[] laneIndex = new int[LANES];
    private final int[] laneEntry = new int[LANES];

    /**
     * @param chunkSize the chunk size of the layouts this encoder will be given, at least 1
     */
    public ParityEncoder(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1: " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.source = new byte[chunkSize];
        this.accumulators = new byte[LANES][chunkSize];
    }

    /**
     * Computes one parity chunk.
     *
     * @param block the block's bytes at absolute indexes 0 to {@code layout.blockLength() - 1}; its
     *     position and limit are not changed
     * @param layout the block's geometry, with this encoder's chunk size
     * @param parityId the parity chunk's id
     * @param out receives exactly {@code chunkSize} bytes at its position, which advances
     * @throws IllegalArgumentException if the id is not valid for the layout, the chunk sizes
     *     differ, the block is shorter than the layout or {@code out} has too little room
     */
    public void encode(ByteBuffer block, ParityGroups layout, int parityId, ByteBuffer out) {
        checkLayout(block, layout);
        checkId(layout, parityId);
        checkOut(out);
        laneIndex[0] = layout.indexOfParity(parityId);
        accumulate(block, layout, layout.groupOfParity(parityId), 1);
        out.put(accumulators[0], 0, chunkSize);
    }

    /**
     * Computes several parity chunks, in as few passes over the block as their groups allow. The
     * ids may be in any order and from any groups.
     *
     * @param block the block's bytes at absolute indexes 0 to {@code layout.blockLength() - 1}; its
     *     position and limit are not changed
     * @param layout the block's geometry, with this encoder's chunk size
     * @param parityIds the ids, in entries 0 to {@code count - 1}
     * @param count how many ids
     * @param outs {@code outs[i]} receives parity {@code parityIds[i]}: exactly {@code chunkSize}
     *     bytes at its position, which advances
     * @throws IllegalArgumentException if an id is not valid for the layout, the chunk sizes differ,
     *     the block is shorter than the layout, an output has too little room or the arrays are
     *     shorter than {@code count}; nothing is written then
     */
    public void encode(ByteBuffer block, ParityGroups layout, int[] parityIds, int count, ByteBuffer[] outs) {
        checkLayout(block, layout);
        if (count < 0 || count > parityIds.length || count > outs.length) {
            throw new IllegalArgumentException("count " + count + " for " + parityIds.length + " ids and "
                    + outs.length + " outputs");
        }
        for (int i = 0; i < count; i++) {
            checkId(layout, parityIds[i]);
            checkOut(outs[i]);
        }
        // One scan of the ids per group keeps this free of allocation; G is at most a few dozen.
        for (int group = 0; group < layout.groups(); group++) {
            int lanes = 0;
            for (int i = 0; i < count; i++) {
                if (layout.groupOfParity(parityIds[i]) == group) {
                    laneIndex[lanes] = layout.indexOfParity(parityIds[i]);
                    laneEntry[lanes++] = i;
                    if (lanes == LANES) {
                        flush(block, layout, group, lanes, outs);
                        lanes = 0;
                    }
                }
            }
            if (lanes > 0) {
                flush(block, layout, group, lanes, outs);
            }
        }
    }

    private void flush(ByteBuffer block, ParityGroups layout, int group, int lanes, ByteBuffer[] outs) {
        accumulate(block, layout, group, lanes);
        for (int lane = 0; lane < lanes; lane++) {
            outs[laneEntry[lane]].put(accumulators[lane], 0, chunkSize);
        }
    }

    /** Fills accumulators 0..lanes-1 with the parity chunks {@code laneIndex[0..lanes)} of a group. */
    private void accumulate(ByteBuffer block, ParityGroups layout, int group, int lanes) {
        for (int lane = 0; lane < lanes; lane++) {
            Arrays.fill(accumulators[lane], (byte) 0);
        }
        int sources = layout.sources(group);
        for (int position = 0; position < sources; position++) {
            readChunk(block, layout, layout.chunk(group, position), source);
            for (int lane = 0; lane < lanes; lane++) {
                int c = Cauchy.coefficient(sources, laneIndex[lane], position);
                Gf256.mulAdd(accumulators[lane], source, c, chunkSize);
            }
        }
    }

    /** Copies a chunk into {@code into}, zero-padded to the chunk size, as the code defines it. */
    static void readChunk(ByteBuffer block, ParityGroups layout, int chunk, byte[] into) {
        int length = layout.chunkLength(chunk);
        block.get(layout.chunkOffset(chunk), into, 0, length);
        Arrays.fill(into, length, layout.chunkSize(), (byte) 0);
    }

    private void checkLayout(ByteBuffer block, ParityGroups layout) {
        if (layout.chunkSize() != chunkSize) {
            throw new IllegalArgumentException("layout has chunks of " + layout.chunkSize() + " bytes, encoder "
                    + chunkSize);
        }
        if (block.limit() < layout.blockLength()) {
            throw new IllegalArgumentException("block buffer's limit " + block.limit() + " is below the block's "
                    + layout.blockLength() + " bytes");
        }
    }

    private static void checkId(ParityGroups layout, int parityId) {
        if (!layout.isValidParityId(parityId)) {
            throw new IllegalArgumentException("not a parity id of " + layout + ": " + parityId);
        }
    }

    private void checkOut(ByteBuffer out) {
        if (out.remaining() < chunkSize) {
            throw new IllegalArgumentException("output has " + out.remaining() + " bytes of room, needs "
                    + chunkSize);
        }
    }
}
