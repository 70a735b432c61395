package io.subnetcast.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * The first four bytes of every subnetcast datagram: a 16-bit magic, a version and a type. A
 * datagram with another magic is not ours; one with another version is from an incompatible
 * release and is counted and dropped rather than guessed at.
 */
public final class Envelope {
    /** "SC". */
    public static final int MAGIC = 0x5343;
    /** Protocol version this build speaks. */
    public static final int VERSION = 1;
    /** Bytes of the envelope. */
    public static final int LENGTH = 4;
    /** Type of a control datagram (protobuf follows). */
    public static final int TYPE_CONTROL = 1;
    /** Type of a data datagram (fixed header and payload follow). */
    public static final int TYPE_DATA = 2;
    /**
     * Type of a sealed datagram: authenticated (and maybe encrypted) with a task's key, wrapping a
     * control or data datagram (see {@code io.subnetcast.core.auth.SealedHeader}).
     */
    public static final int TYPE_SEALED = 3;

    /** Outcome of looking at an envelope. */
    public enum Kind {
        /** A control datagram. */
        CONTROL,
        /** A data datagram. */
        DATA,
        /** A sealed datagram, to be opened with a task's key before anything else looks at it. */
        SEALED,
        /** Too short, foreign magic, other version or unknown type. */
        INVALID
    }

    private Envelope() {
    }

    /**
     * Classifies a datagram without consuming it.
     *
     * @param datagram the received bytes, from readerIndex
     * @return the kind; {@link Kind#INVALID} for anything that is not a datagram of this version
     */
    public static Kind classify(ByteBuf datagram) {
        if (datagram.readableBytes() < LENGTH) {
            return Kind.INVALID;
        }
        int at = datagram.readerIndex();
        if (datagram.getUnsignedShort(at) != MAGIC || datagram.getUnsignedByte(at + 2) != VERSION) {
            return Kind.INVALID;
        }
        return switch (datagram.getUnsignedByte(at + 3)) {
            case TYPE_CONTROL -> Kind.CONTROL;
            case TYPE_DATA -> Kind.DATA;
            case TYPE_SEALED -> Kind.SEALED;
            default -> Kind.INVALID;
        };
    }

    /**
     * Writes an envelope at the writer index.
     *
     * @param out the buffer
     * @param type {@link #TYPE_CONTROL}, {@link #TYPE_DATA} or {@link #TYPE_SEALED}
     */
    public static void write(ByteBuf out, int type) {
        out.writeShort(MAGIC).writeByte(VERSION).writeByte(type);
    }
}
