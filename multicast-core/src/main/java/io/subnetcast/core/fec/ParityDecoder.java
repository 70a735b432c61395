package io.subnetcast.core.fec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Rebuilds missing chunks of a block from the parity chunks held. Not thread-safe. Decoding is
 * rare (a member missing chunks after a pass), so it allocates per call what the erasures need.
 *
 * <p>For a group whose missing sources are M (e of them) and e parity chunks P held, the code says
 * {@code C[P][M] s_M = p_P - sum over known t of C[P][t] s_t}. The right side (the syndromes) is
 * computed from what is held; {@code C[P][M]} is a square Cauchy matrix, so it has an inverse,
 * found by Gauss-Jordan elimination; the missing sources are that inverse times the syndromes.
 */
public final class ParityDecoder {
    private final int chunkSize;
    private final byte[] source;

    /**
     * @param chunkSize the chunk size of the layouts this decoder will be given, at least 1
     */
    public ParityDecoder(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1: " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.source = new byte[chunkSize];
    }

    /**
     * Rebuilds the missing chunks of every group for which enough parity chunks are held; groups
     * with fewer parity chunks than missing chunks are left alone.
     *
     * @param block the block's bytes at absolute indexes 0 to {@code layout.blockLength() - 1};
     *     the bytes of missing chunks are ignored and, where recovered, overwritten (a short last
     *     chunk only to its length); its position and limit are not changed
     * @param layout the block's geometry, with this decoder's chunk size
     * @param missing indexes of the missing chunks, all below {@code layout.chunks()}
     * @param parityIds the ids of the parity chunks held, in entries 0 to {@code parityCount - 1};
     *     invalid ids and repeats of an id are ignored
     * @param parity {@code parity[i]} holds parity {@code parityIds[i]}: exactly {@code chunkSize}
     *     bytes from its position to its limit; neither its content nor its position is changed
     * @param parityCount how many parity chunks
     * @return the indexes of the chunks recovered
     * @throws IllegalArgumentException if a parity buffer does not hold exactly {@code chunkSize}
     *     bytes, the chunk sizes differ, the block is shorter than the layout, a missing index is
     *     not a chunk of the block or the arrays are shorter than {@code parityCount}
     */
    public BitSet recover(ByteBuffer block, ParityGroups layout, BitSet missing, int[] parityIds,
            ByteBuffer[] parity, int parityCount) {
        if (layout.chunkSize() != chunkSize) {
            throw new IllegalArgumentException("layout has chunks of " + layout.chunkSize() + " bytes, decoder "
                    + chunkSize);
        }
        if (block.limit() < layout.blockLength()) {
            throw new IllegalArgumentException("block buffer's limit " + block.limit() + " is below the block's "
                    + layout.blockLength() + " bytes");
        }
        layout.checkMissing(missing);
        if (parityCount < 0 || parityCount > parityIds.length || parityCount > parity.length) {
            throw new IllegalArgumentException("count " + parityCount + " for " + parityIds.length + " ids and "
                    + parity.length + " parity buffers");
        }
        for (int i = 0; i < parityCount; i++) {
            if (parity[i].remaining() != chunkSize) {
                throw new IllegalArgumentException("parity " + parityIds[i] + " has " + parity[i].remaining()
                        + " bytes, not " + chunkSize);
            }
        }
        BitSet recovered = new BitSet();
        for (int group = 0; group < layout.groups(); group++) {
            int[] lost = lostPositions(layout, missing, group);
            if (lost.length == 0) {
                continue;
            }
            int[] held = heldParity(layout, group, lost.length, parityIds, parityCount);
            if (held == null) {
                continue;
            }
            recoverGroup(block, layout, group, lost, held, parityIds, parity);
            for (int position : lost) {
                recovered.set(layout.chunk(group, position));
            }
        }
        return recovered;
    }

    private static int[] lostPositions(ParityGroups layout, BitSet missing, int group) {
        int sources = layout.sources(group);
        int count = 0;
        for (int position = 0; position < sources; position++) {
            if (missing.get(layout.chunk(group, position))) {
                count++;
            }
        }
        int[] lost = new int[count];
        count = 0;
        for (int position = 0; position < sources; position++) {
            if (missing.get(layout.chunk(group, position))) {
                lost[count++] = position;
            }
        }
        return lost;
    }

    /**
     * @return the entries of the first {@code needed} distinct valid parity ids of the group, or
     *     null if fewer are held
     */
    private static int[] heldParity(ParityGroups layout, int group, int needed, int[] parityIds, int parityCount) {
        int[] entries = new int[needed];
        BitSet seen = new BitSet(layout.maxParity(group));
        int found = 0;
        for (int i = 0; i < parityCount && found < needed; i++) {
            int id = parityIds[i];
            if (layout.isValidParityId(id) && layout.groupOfParity(id) == group) {
                int index = layout.indexOfParity(id);
                if (!seen.get(index)) {
                    seen.set(index);
                    entries[found++] = i;
                }
            }
        }
        return found == needed ? entries : null;
    }

    private void recoverGroup(ByteBuffer block, ParityGroups layout, int group, int[] lost, int[] entries,
            int[] parityIds, ByteBuffer[] parity) {
        int sources = layout.sources(group);
        int erasures = lost.length;
        int[] rows = new int[erasures];
        byte[][] syndromes = new byte[erasures][chunkSize];
        for (int i = 0; i < erasures; i++) {
            ByteBuffer p = parity[entries[i]];
            p.get(p.position(), syndromes[i], 0, chunkSize);
            rows[i] = layout.indexOfParity(parityIds[entries[i]]);
        }
        // Syndromes: each parity chunk less the known sources' share of it.
        int next = 0;
        for (int position = 0; position < sources; position++) {
            if (next < erasures && lost[next] == position) {
                next++;
                continue;
            }
            ParityEncoder.readChunk(block, layout, layout.chunk(group, position), source);
            for (int i = 0; i < erasures; i++) {
                Gf256.mulAdd(syndromes[i], source, Cauchy.coefficient(sources, rows[i], position), chunkSize);
            }
        }
        int[][] matrix = new int[erasures][erasures];
        for (int i = 0; i < erasures; i++) {
            for (int m = 0; m < erasures; m++) {
                matrix[i][m] = Cauchy.coefficient(sources, rows[i], lost[m]);
            }
        }
        int[][] inverse = invert(matrix);
        for (int m = 0; m < erasures; m++) {
            Arrays.fill(source, (byte) 0);
            for (int i = 0; i < erasures; i++) {
                Gf256.mulAdd(source, syndromes[i], inverse[m][i], chunkSize);
            }
            int chunk = layout.chunk(group, lost[m]);
            block.put(layout.chunkOffset(chunk), source, 0, layout.chunkLength(chunk));
        }
    }

    /**
     * Inverts a square matrix over GF(256) by Gauss-Jordan elimination.
     *
     * @param matrix invertible (a Cauchy matrix is); destroyed
     * @return its inverse
     */
    static int[][] invert(int[][] matrix) {
        int size = matrix.length;
        int[][] inverse = new int[size][size];
        for (int i = 0; i < size; i++) {
            inverse[i][i] = 1;
        }
        for (int column = 0; column < size; column++) {
            int pivot = column;
            while (pivot < size && matrix[pivot][column] == 0) {
                pivot++;
            }
            if (pivot == size) {
                throw new ArithmeticException("singular matrix"); // never for a Cauchy matrix
            }
            swap(matrix, pivot, column);
            swap(inverse, pivot, column);
            int scale = Gf256.inv(matrix[column][column]);
            scaleRow(matrix[column], scale);
            scaleRow(inverse[column], scale);
            for (int row = 0; row < size; row++) {
                int factor = matrix[row][column];
                if (row != column && factor != 0) {
                    subtractRow(matrix[row], matrix[column], factor);
                    subtractRow(inverse[row], inverse[column], factor);
                }
            }
        }
        return inverse;
    }

    private static void swap(int[][] rows, int a, int b) {
        int[] t = rows[a];
        rows[a] = rows[b];
        rows[b] = t;
    }

    private static void scaleRow(int[] row, int scale) {
        for (int i = 0; i < row.length; i++) {
            row[i] = Gf256.mul(row[i], scale);
        }
    }

    private static void subtractRow(int[] row, int[] pivotRow, int factor) {
        for (int i = 0; i < row.length; i++) {
            row[i] ^= Gf256.mul(pivotRow[i], factor);
        }
    }
}
