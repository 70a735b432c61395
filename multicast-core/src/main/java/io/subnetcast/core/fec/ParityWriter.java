package io.subnetcast.core.fec;

import java.nio.ByteBuffer;

/**
 * Computes the payload of a parity datagram from a block's bytes: what a port does where it
 * would copy a chunk, for a datagram flagged {@link io.subnetcast.core.wire.DataHeader#FLAG_PARITY}.
 * Keeps the last block's geometry and an encoder, so that a burst of parity for one block costs
 * the arithmetic alone. Not thread-safe: one per sending thread.
 */
public final class ParityWriter {
    private ParityEncoder encoder;
    private int encoderChunkSize;
    private ParityGroups groups;

    /** Creates a writer; its encoder is made for the first chunk size it is given. */
    public ParityWriter() {
    }

    /**
     * @param block the block's bytes at absolute indexes 0 to {@code blockLength - 1}; not moved
     * @param blockLength the block's length
     * @param chunkSize payload bytes per chunk
     * @param parityId the parity chunk's id, valid for the block
     * @param out receives {@code chunkSize} bytes from its position, which advances
     * @throws IllegalArgumentException for an id the block has no parity of
     */
    public void write(ByteBuffer block, int blockLength, int chunkSize, int parityId, ByteBuffer out) {
        if (groups == null || groups.blockLength() != blockLength || groups.chunkSize() != chunkSize) {
            groups = ParityGroups.of(blockLength, chunkSize);
        }
        if (encoder == null || encoderChunkSize != chunkSize) {
            encoder = new ParityEncoder(chunkSize);
            encoderChunkSize = chunkSize;
        }
        encoder.encode(block, groups, parityId, out);
    }
}
