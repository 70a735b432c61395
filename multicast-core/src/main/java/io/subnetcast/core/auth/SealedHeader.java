package io.subnetcast.core.auth;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.wire.Envelope;

/**
 * Flyweight over the 28-byte header of a sealed datagram.
 *
 * <pre>
 *  0  magic u16 | version u8 | type u8 (= {@link Envelope#TYPE_SEALED})
 *  4  key id u32                  ({@link SessionKey#keyId()})
 *  8  flags u8 | reserved u8 x 3  ({@link #FLAG_ENCRYPTED}; reserved bytes are zero)
 * 12  sender id u64               (random per sealer; selects the sender's derived key)
 * 20  sequence u64                (per sender, counting up from 0; the GCM nonce)
 * 28  inner datagram: a whole plain datagram from its envelope on, or its ciphertext
 * end-16  GCM tag (128 bits)
 * </pre>
 *
 * The header is authenticated as additional data; with {@link #FLAG_ENCRYPTED} the inner datagram
 * is encrypted, otherwise it is authenticated as additional data too and travels in the clear.
 */
public final class SealedHeader {
    /** Header length in bytes. */
    public static final int LENGTH = 28;
    /** GCM tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a sealed datagram adds to the datagram it wraps. */
    public static final int OVERHEAD = LENGTH + TAG_LENGTH;
    /** Flag: the inner datagram is encrypted. */
    public static final int FLAG_ENCRYPTED = 1;

    static final int KEY_ID_OFFSET = 4;
    static final int FLAGS_OFFSET = 8;
    static final int SENDER_OFFSET = 12;
    static final int SEQUENCE_OFFSET = 20;

    private SealedHeader() {
    }

    /**
     * Writes a header at the writer index.
     *
     * @param out the buffer
     * @param keyId the key's id
     * @param flags flag bits
     * @param senderId the sender
     * @param sequence the sender's sequence number
     */
    static void write(ByteBuf out, int keyId, int flags, long senderId, long sequence) {
        Envelope.write(out, Envelope.TYPE_SEALED);
        out.writeInt(keyId).writeByte(flags).writeByte(0).writeShort(0).writeLong(senderId).writeLong(sequence);
    }

    /** @return the key id of a datagram with at least {@link #LENGTH} readable bytes */
    static int keyId(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + KEY_ID_OFFSET);
    }

    /** @return the flags byte and the three reserved bytes, as sent */
    static int flagsWord(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + FLAGS_OFFSET);
    }

    /** @return the sender id */
    static long senderId(ByteBuf datagram) {
        return datagram.getLong(datagram.readerIndex() + SENDER_OFFSET);
    }

    /** @return the sequence number */
    static long sequence(ByteBuf datagram) {
        return datagram.getLong(datagram.readerIndex() + SEQUENCE_OFFSET);
    }
}
