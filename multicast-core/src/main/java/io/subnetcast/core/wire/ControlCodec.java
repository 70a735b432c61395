package io.subnetcast.core.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.subnetcast.core.cache.CacheNames;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes and decodes control datagrams: the {@link Envelope} followed by one protobuf
 * {@link Control}. Decoding is bounded (a control datagram is never larger than
 * {@link #MAX_CONTROL_BYTES}) and returns null for anything malformed instead of throwing.
 */
public final class ControlCodec {
    /** Largest control datagram accepted or produced. */
    public static final int MAX_CONTROL_BYTES = 8192;

    private ControlCodec() {
    }

    /**
     * Encodes a control message into a new buffer.
     *
     * @param allocator where the buffer comes from
     * @param message the message
     * @return the datagram bytes; the caller owns (and releases or sends) it
     * @throws IllegalArgumentException if the message would exceed {@link #MAX_CONTROL_BYTES}
     */
    public static ByteBuf encode(ByteBufAllocator allocator, Control message) {
        int size = Envelope.LENGTH + message.getSerializedSize();
        if (size > MAX_CONTROL_BYTES) {
            throw new IllegalArgumentException("control message of " + size + " bytes exceeds " + MAX_CONTROL_BYTES);
        }
        ByteBuf out = allocator.buffer(size, size);
        try {
            Envelope.write(out, Envelope.TYPE_CONTROL);
            int bodyLength = size - Envelope.LENGTH;
            CodedOutputStream coded;
            if (out.hasArray()) {
                coded = CodedOutputStream.newInstance(out.array(), out.arrayOffset() + out.writerIndex(), bodyLength);
            } else if (out.nioBufferCount() == 1) {
                coded = CodedOutputStream.newInstance(out.internalNioBuffer(out.writerIndex(), bodyLength));
            } else {
                message.writeTo(new ByteBufOutputStream(out));
                return out;
            }
            // Straight into the datagram: no intermediate array sized to the message, no second copy.
            message.writeTo(coded);
            coded.flush();
            coded.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + bodyLength);
            return out;
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Decodes a datagram classified as {@link Envelope.Kind#CONTROL}; does not consume or release it.
     *
     * @param datagram the datagram from its reader index
     * @return the message, or null if it is oversized, malformed, or names an invalid task id
     */
    public static Control decode(ByteBuf datagram) {
        int length = datagram.readableBytes() - Envelope.LENGTH;
        if (length < 0 || datagram.readableBytes() > MAX_CONTROL_BYTES) {
            return null;
        }
        try {
            CodedInputStream input = datagram.nioBufferCount() == 1
                    ? CodedInputStream.newInstance(datagram.nioBuffer(datagram.readerIndex() + Envelope.LENGTH, length))
                    : CodedInputStream.newInstance(copy(datagram, length));
            input.setRecursionLimit(8);
            input.setSizeLimit(MAX_CONTROL_BYTES);
            Control message = Control.parseFrom(input);
            if (!isValidTaskId(message.getTaskId())) {
                return null;
            }
            return message;
        } catch (IOException | RuntimeException e) {
            // InvalidProtocolBufferException included: hostile bytes are dropped, never thrown.
            return null;
        }
    }

    private static byte[] copy(ByteBuf datagram, int length) {
        byte[] bytes = new byte[length];
        datagram.getBytes(datagram.readerIndex() + Envelope.LENGTH, bytes);
        return bytes;
    }

    private static boolean isValidTaskId(String taskId) {
        try {
            CacheNames.requireTaskId(taskId);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
