package io.subnetcast.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over the fixed 32-byte header of a data datagram, read and written in place.
 *
 * <pre>
 *  0  magic u16 | version u8 | type u8 (= DATA)      (the {@link Envelope})
 *  4  flags u8  | reserved u8 | payload length u16
 *  8  session id u64
 * 16  epoch u32
 * 20  block index u32
 * 24  offset of the payload inside the block u32, or the parity id of a parity chunk
 * 28  sequence number u32 (per session and epoch, for loss detection)
 * 32  payload
 * </pre>
 *
 * All multi-byte fields are big-endian. Offsets are absolute from the datagram's reader index.
 */
public final class DataHeader {
    /** Bytes the IPv4 and UDP headers add to every datagram on the wire. */
    public static final int IP_UDP_OVERHEAD = 28;

    /** Header length in bytes. */
    public static final int LENGTH = 32;
    /** Flag: this payload is a retransmission, not the first pass. */
    public static final int FLAG_RETRANSMISSION = 1;
    /**
     * Flag: the payload is a parity chunk of the block ({@link io.subnetcast.core.fec}), a full
     * chunk long, and the offset field holds its parity id.
     */
    public static final int FLAG_PARITY = 2;

    static final int FLAGS_OFFSET = 4;
    static final int PAYLOAD_LENGTH_OFFSET = 6;
    static final int SESSION_ID_OFFSET = 8;
    static final int EPOCH_OFFSET = 16;
    static final int BLOCK_OFFSET = 20;
    static final int CHUNK_OFFSET_OFFSET = 24;
    static final int SEQUENCE_OFFSET = 28;

    private DataHeader() {
    }

    /**
     * Writes a header at the writer index; the caller appends {@code payloadLength} bytes.
     *
     * @param out buffer with at least {@link #LENGTH} writable bytes
     * @param flags flag bits
     * @param payloadLength bytes of payload that follow
     * @param sessionId the session
     * @param epoch the representative's term
     * @param block block index
     * @param offsetInBlock byte offset of the payload inside the block
     * @param sequence packet sequence number
     */
    public static void write(ByteBuf out, int flags, int payloadLength, long sessionId, int epoch, int block,
                             int offsetInBlock, int sequence) {
        Envelope.write(out, Envelope.TYPE_DATA);
        out.writeByte(flags).writeByte(0).writeShort(payloadLength)
                .writeLong(sessionId).writeInt(epoch).writeInt(block).writeInt(offsetInBlock).writeInt(sequence);
    }

    /**
     * Checks a datagram already classified as {@link Envelope.Kind#DATA}: header complete and
     * payload length equal to the bytes that follow (a truncated or padded datagram is refused).
     *
     * @param datagram the datagram from its reader index
     * @return true if the header can be read and the payload is exactly as long as it says
     */
    public static boolean isWellFormed(ByteBuf datagram) {
        int readable = datagram.readableBytes();
        if (readable < LENGTH) {
            return false;
        }
        return payloadLength(datagram) == readable - LENGTH;
    }

    /** @return the flag bits */
    public static int flags(ByteBuf datagram) {
        return datagram.getUnsignedByte(datagram.readerIndex() + FLAGS_OFFSET);
    }

    /** @return the payload length the header claims */
    public static int payloadLength(ByteBuf datagram) {
        return datagram.getUnsignedShort(datagram.readerIndex() + PAYLOAD_LENGTH_OFFSET);
    }

    /** @return the session id */
    public static long sessionId(ByteBuf datagram) {
        return datagram.getLong(datagram.readerIndex() + SESSION_ID_OFFSET);
    }

    /** @return the epoch, as an unsigned value in an int */
    public static int epoch(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + EPOCH_OFFSET);
    }

    /** @return the block index as sent; may be negative or out of range if hostile */
    public static int block(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + BLOCK_OFFSET);
    }

    /** @return the payload's offset inside its block as sent; may be hostile */
    public static int offsetInBlock(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + CHUNK_OFFSET_OFFSET);
    }

    /** @return the sequence number */
    public static int sequence(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + SEQUENCE_OFFSET);
    }

    /** @return the absolute index of the first payload byte */
    public static int payloadIndex(ByteBuf datagram) {
        return datagram.readerIndex() + LENGTH;
    }
}
