package io.subnetcast.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * A reusable view of one data datagram: the fields of its {@link DataHeader} and where its payload
 * lies, read in place from the received bytes. The receive path wraps each datagram in the same
 * frame, so the session reads a datagram without a copy, without an allocation, and without
 * depending on the buffer type the transport uses; only the block store (which writes the payload
 * with a positional write) sees the bytes themselves.
 *
 * <p>A frame is valid until the next {@link #wrap} or until its datagram is released. Not
 * thread-safe: owned by the receiving thread.
 */
public final class DataFrame {
    private ByteBuf datagram;
    // The datagram's first byte, read once per datagram: every accessor is one absolute read, so the
    // receive path stays shallow enough for the JIT to inline it whole.
    private int base;

    /** Creates a frame pointing at nothing: {@link #wrap} it before use. */
    public DataFrame() {
    }

    /**
     * Points this frame at a datagram.
     *
     * @param datagram the datagram from its reader index, which must not move while the frame is
     *     used; not retained or released here
     * @return this frame
     */
    public DataFrame wrap(ByteBuf datagram) {
        this.datagram = datagram;
        this.base = datagram.readerIndex();
        return this;
    }

    /** @return whether the datagram holds a whole header and exactly the payload it announces */
    public boolean isWellFormed() {
        int readable = datagram.writerIndex() - base;
        return readable >= DataHeader.LENGTH && payloadLength() == readable - DataHeader.LENGTH;
    }

    /** @return the header's flags, such as {@link DataHeader#FLAG_RETRANSMISSION} */
    public int flags() {
        return datagram.getUnsignedByte(base + DataHeader.FLAGS_OFFSET);
    }

    /** @return the session the datagram belongs to */
    public long sessionId() {
        return datagram.getLong(base + DataHeader.SESSION_ID_OFFSET);
    }

    /** @return the sender's representative epoch */
    public int epoch() {
        return datagram.getInt(base + DataHeader.EPOCH_OFFSET);
    }

    /** @return the block the payload belongs to (unchecked: validate against the layout) */
    public int block() {
        return datagram.getInt(base + DataHeader.BLOCK_OFFSET);
    }

    /** @return the payload's offset inside its block (unchecked) */
    public int offsetInBlock() {
        return datagram.getInt(base + DataHeader.CHUNK_OFFSET_OFFSET);
    }

    /** @return the sender's datagram sequence number */
    public int sequence() {
        return datagram.getInt(base + DataHeader.SEQUENCE_OFFSET);
    }

    /** @return payload bytes, as the header announces them */
    public int payloadLength() {
        return datagram.getUnsignedShort(base + DataHeader.PAYLOAD_LENGTH_OFFSET);
    }

    /** @return the whole datagram's length in bytes, header included */
    public int length() {
        return datagram.writerIndex() - base;
    }

    /** @return the datagram's buffer, for the store's write of the payload */
    public ByteBuf buffer() {
        return datagram;
    }

    /** @return the absolute index of the payload's first byte in {@link #buffer()} */
    public int payloadIndex() {
        return base + DataHeader.LENGTH;
    }
}
