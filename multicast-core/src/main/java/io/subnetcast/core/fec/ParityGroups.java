package io.subnetcast.core.fec;

import java.util.BitSet;

/**
 * How one block is cut into chunks and the chunks dealt into parity groups, and how parity chunks
 * are numbered. Immutable.
 *
 * <p>The block has {@code n = ceil(blockLength / chunkSize)} chunks; chunk {@code c} covers bytes
 * {@code [c * chunkSize, min((c + 1) * chunkSize, blockLength))}. The chunks are interleaved into
 * {@code G = ceil(n / MAX_SOURCES_PER_GROUP)} groups: chunk {@code c} is source {@code c / G} of
 * group {@code c % G}, so a burst of consecutive losses is spread over all groups. Parity {@code j}
 * of group {@code g} has the id {@code j * G + g}: ids are contiguous from 0, and the first
 * {@code G} ids give every group one parity chunk.
 */
public final class ParityGroups {
    /**
     * Most sources in one group: a group of k sources can have 256 - k parity chunks (GF(256) has
     * 256 elements to share between them), so 128 leaves each group at least 128.
     */
    public static final int MAX_SOURCES_PER_GROUP = 128;

    /** Elements of GF(256): sources plus parity chunks of one group. */
    private static final int FIELD_SIZE = 256;

    private final int blockLength;
    private final int chunkSize;
    private final int chunks;
    private final int groups;

    private ParityGroups(int blockLength, int chunkSize, int chunks, int groups) {
        this.blockLength = blockLength;
        this.chunkSize = chunkSize;
        this.chunks = chunks;
        this.groups = groups;
    }

    /**
     * @param blockLength the block's length in bytes, at least 1
     * @param chunkSize bytes per chunk (one datagram's payload), at least 1
     * @return the block's geometry
     * @throws IllegalArgumentException if a value is below 1, or the block has so many chunks that
     *     its parity ids would not fit an int
     */
    public static ParityGroups of(int blockLength, int chunkSize) {
        if (blockLength < 1) {
            throw new IllegalArgumentException("block length must be at least 1: " + blockLength);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1: " + chunkSize);
        }
        int chunks = ceilDiv(blockLength, chunkSize);
        int groups = ceilDiv(chunks, MAX_SOURCES_PER_GROUP);
        if ((long) groups * FIELD_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("block of " + blockLength + " bytes has too many chunks of "
                    + chunkSize + " bytes for int parity ids");
        }
        return new ParityGroups(blockLength, chunkSize, chunks, groups);
    }

    private static int ceilDiv(int a, int b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }

    /** @return the block's length in bytes */
    public int blockLength() {
        return blockLength;
    }

    /** @return bytes per chunk; the block's last chunk may be shorter */
    public int chunkSize() {
        return chunkSize;
    }

    /** @return the number of chunks, n */
    public int chunks() {
        return chunks;
    }

    /** @return the number of parity groups, G */
    public int groups() {
        return groups;
    }

    /**
     * @param chunk a chunk index
     * @return the group the chunk is a source of
     */
    public int group(int chunk) {
        checkChunk(chunk);
        return chunk % groups;
    }

    /**
     * @param chunk a chunk index
     * @return the chunk's position among its group's sources
     */
    public int position(int chunk) {
        checkChunk(chunk);
        return chunk / groups;
    }

    /**
     * @param group a group index
     * @param position a source position in that group, below {@link #sources(int)}
     * @return the chunk index at that position
     */
    public int chunk(int group, int position) {
        if (position < 0 || position >= sources(group)) {
            throw new IndexOutOfBoundsException("position " + position + " outside group " + group + " of "
                    + sources(group) + " sources");
        }
        return position * groups + group;
    }

    /**
     * @param group a group index
     * @return the number of sources in the group, k (1 to {@link #MAX_SOURCES_PER_GROUP})
     */
    public int sources(int group) {
        checkGroup(group);
        return chunks / groups + (group < chunks % groups ? 1 : 0);
    }

    /**
     * @param group a group index
     * @return how many distinct parity chunks the group has: 256 - k
     */
    public int maxParity(int group) {
        return FIELD_SIZE - sources(group);
    }

    /**
     * @param group a group index
     * @param index a parity index below {@link #maxParity(int)}
     * @return the parity chunk's id on the wire
     */
    public int parityId(int group, int index) {
        if (index < 0 || index >= maxParity(group)) {
            throw new IndexOutOfBoundsException("parity index " + index + " outside group " + group + " with "
                    + maxParity(group) + " parity chunks");
        }
        return index * groups + group;
    }

    /**
     * @param id a parity id that {@link #isValidParityId(int) is valid}
     * @return the group it belongs to
     */
    public int groupOfParity(int id) {
        checkParityId(id);
        return id % groups;
    }

    /**
     * @param id a parity id that {@link #isValidParityId(int) is valid}
     * @return its index among its group's parity chunks
     */
    public int indexOfParity(int id) {
        checkParityId(id);
        return id / groups;
    }

    /**
     * @param id a value from the network or a caller
     * @return true if it names a parity chunk of this block
     */
    public boolean isValidParityId(int id) {
        return id >= 0 && id / groups < maxParity(id % groups);
    }

    /**
     * @param chunk a chunk index
     * @return the offset of the chunk's first byte in the block
     */
    public int chunkOffset(int chunk) {
        checkChunk(chunk);
        return chunk * chunkSize;
    }

    /**
     * @param chunk a chunk index
     * @return the chunk's length: {@link #chunkSize()}, or less for the block's last chunk
     */
    public int chunkLength(int chunk) {
        checkChunk(chunk);
        return Math.min(chunkSize, blockLength - chunk * chunkSize);
    }

    /**
     * What a member missing these chunks asks for: that many parity chunks of every group repairs
     * them all.
     *
     * @param missingChunks indexes of the chunks missing, all below {@link #chunks()}
     * @return the largest number of missing chunks in any one group; 0 if none is missing
     * @throws IllegalArgumentException if a set bit is not a chunk of this block
     */
    public int parityNeeded(BitSet missingChunks) {
        checkMissing(missingChunks);
        int[] perGroup = new int[groups];
        int most = 0;
        for (int c = missingChunks.nextSetBit(0); c >= 0; c = missingChunks.nextSetBit(c + 1)) {
            most = Math.max(most, ++perGroup[c % groups]);
        }
        return most;
    }

    void checkMissing(BitSet missingChunks) {
        if (missingChunks.length() > chunks) {
            throw new IllegalArgumentException("missing chunk " + (missingChunks.length() - 1)
                    + " is not one of the block's " + chunks + " chunks");
        }
    }

    private void checkChunk(int chunk) {
        if (chunk < 0 || chunk >= chunks) {
            throw new IndexOutOfBoundsException("chunk " + chunk + " outside 0.." + (chunks - 1));
        }
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= groups) {
            throw new IndexOutOfBoundsException("group " + group + " outside 0.." + (groups - 1));
        }
    }

    private void checkParityId(int id) {
        if (!isValidParityId(id)) {
            throw new IllegalArgumentException("not a parity id of " + this + ": " + id);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParityGroups
                && ((ParityGroups) other).blockLength == blockLength
                && ((ParityGroups) other).chunkSize == chunkSize;
    }

    @Override
    public int hashCode() {
        return 31 * blockLength + chunkSize;
    }

    @Override
    public String toString() {
        return blockLength + " bytes in " + chunks + " chunks of " + chunkSize + ", " + groups + " parity groups";
    }
}
