package io.subnetcast.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.CacheNames;
import io.subnetcast.core.fuzz.Seed;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Have;
import io.subnetcast.core.wire.proto.Nak;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the datagram decoders: {@link Envelope#classify}, the {@link DataHeader} flyweight and
 * {@link ControlCodec#decode}. Each input is read as it arrives, from a buffer whose reader index
 * is not zero, and split over two components (the copying path of the control decoder); every view
 * must give the same answer, nothing may throw, nothing may be consumed.
 */
class WireFuzzTest {
    @FuzzTest
    void envelope(byte[] input) {
        for (ByteBuf datagram : views(input)) {
            try {
                int readerIndex = datagram.readerIndex();
                Envelope.Kind kind = Envelope.classify(datagram);
                assertEquals(expectedKind(input), kind);
                assertEquals(readerIndex, datagram.readerIndex(), "classify consumed bytes");
            } finally {
                datagram.release();
            }
        }
    }

    @FuzzTest
    void dataHeader(byte[] input) {
        byte[] datagram = withEnvelope(Envelope.TYPE_DATA, input);
        for (ByteBuf buffer : views(datagram)) {
            try {
                assertEquals(Envelope.Kind.DATA, Envelope.classify(buffer));
                boolean wellFormed = DataHeader.isWellFormed(buffer);
                boolean expected = datagram.length >= DataHeader.LENGTH
                        && u16(datagram, 6) == datagram.length - DataHeader.LENGTH;
                assertEquals(expected, wellFormed);
                if (wellFormed) {
                    // Every accessor reads exactly its field, big-endian, without moving the buffer.
                    assertEquals(datagram[4] & 0xff, DataHeader.flags(buffer));
                    assertEquals(u16(datagram, 6), DataHeader.payloadLength(buffer));
                    assertEquals((long) i32(datagram, 8) << 32 | (i32(datagram, 12) & 0xffffffffL),
                            DataHeader.sessionId(buffer));
                    assertEquals(i32(datagram, 16), DataHeader.epoch(buffer));
                    assertEquals(i32(datagram, 20), DataHeader.block(buffer));
                    assertEquals(i32(datagram, 24), DataHeader.offsetInBlock(buffer));
                    assertEquals(i32(datagram, 28), DataHeader.sequence(buffer));
                    int payload = DataHeader.payloadIndex(buffer);
                    assertEquals(buffer.writerIndex(), payload + DataHeader.payloadLength(buffer),
                            "payload must end exactly at the end of the datagram");
                    assertEquals(datagram.length - DataHeader.LENGTH, buffer.slice(payload, DataHeader.payloadLength(buffer))
                            .readableBytes());
                }
            } finally {
                buffer.release();
            }
        }
    }

    @FuzzTest
    void controlCodec(byte[] input) {
        byte[] datagram = withEnvelope(Envelope.TYPE_CONTROL, input);
        Control first = null;
        boolean firstView = true;
        for (ByteBuf buffer : views(datagram)) {
            try {
                int readerIndex = buffer.readerIndex();
                Control message = ControlCodec.decode(buffer);
                assertEquals(readerIndex, buffer.readerIndex(), "decode consumed bytes");
                if (firstView) {
                    first = message;
                    firstView = false;
                } else {
                    assertEquals(first, message, "contiguous and composite buffers decode differently");
                }
                if (datagram.length > ControlCodec.MAX_CONTROL_BYTES) {
                    assertNull(message, "oversized control datagram accepted");
                }
                if (message != null) {
                    assertEquals(message.getTaskId(), CacheNames.requireTaskId(message.getTaskId()));
                    // What was accepted can be encoded again, and decodes to the same message.
                    ByteBuf again = ControlCodec.encode(Unpooled.buffer().alloc(), message);
                    try {
                        assertEquals(message, ControlCodec.decode(again));
                    } finally {
                        again.release();
                    }
                }
            } finally {
                buffer.release();
            }
        }
    }

    /** The same bytes as a plain buffer, behind a prefix that was already read, and in two components. */
    private static List<ByteBuf> views(byte[] bytes) {
        ByteBuf plain = Unpooled.wrappedBuffer(bytes);
        ByteBuf offset = Unpooled.buffer(bytes.length + 3).writeBytes(new byte[] {7, 7, 7}).writeBytes(bytes);
        offset.readerIndex(3);
        CompositeByteBuf split = Unpooled.compositeBuffer();
        int half = bytes.length / 2;
        split.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, half));
        split.addComponent(true, Unpooled.wrappedBuffer(bytes, half, bytes.length - half));
        return List.of(plain, offset, split);
    }

    private static Envelope.Kind expectedKind(byte[] bytes) {
        if (bytes.length < Envelope.LENGTH || u16(bytes, 0) != Envelope.MAGIC || (bytes[2] & 0xff) != Envelope.VERSION) {
            return Envelope.Kind.INVALID;
        }
        return switch (bytes[3] & 0xff) {
            case Envelope.TYPE_CONTROL -> Envelope.Kind.CONTROL;
            case Envelope.TYPE_DATA -> Envelope.Kind.DATA;
            case Envelope.TYPE_SEALED -> Envelope.Kind.SEALED;
            default -> Envelope.Kind.INVALID;
        };
    }

    static byte[] withEnvelope(int type, byte[] body) {
        byte[] datagram = new byte[Envelope.LENGTH + body.length];
        datagram[0] = (byte) (Envelope.MAGIC >>> 8);
        datagram[1] = (byte) Envelope.MAGIC;
        datagram[2] = (byte) Envelope.VERSION;
        datagram[3] = (byte) type;
        System.arraycopy(body, 0, datagram, Envelope.LENGTH, body.length);
        return datagram;
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
    }

    private static int i32(byte[] bytes, int at) {
        return u16(bytes, at) << 16 | u16(bytes, at + 2);
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/wire/WireFuzzTestInputs");
        byte[] beacon = Control.newBuilder().setTaskId("office-2026").setNodeId(7).setEpoch(3)
                .setBeacon(Beacon.newBuilder().setSessionId(9).setPackageLength(1 << 20).setBlockSize(1 << 16)
                        .setChunkSize(1440).setDataPort(41_235)).build().toByteArray();
        byte[] nak = Control.newBuilder().setTaskId("t").setNak(Nak.newBuilder().setSessionId(1)
                .addRanges(ChunkRange.newBuilder().setBlock(-1).setOffset(Integer.MAX_VALUE).setLength(-2))).build()
                .toByteArray();
        byte[] have = Control.newBuilder().setTaskId("t").setHave(Have.newBuilder().setFirstBlock(-5)
                .setHeld(com.google.protobuf.ByteString.copyFrom(new byte[64]))).build().toByteArray();
        new Seed().bytes(withEnvelope(Envelope.TYPE_CONTROL, beacon)).writeTo(inputs.resolve("envelope"), "control");
        new Seed().bytes(new byte[] {0x53, 0x43, 2, 1}).writeTo(inputs.resolve("envelope"), "other-version");
        new Seed().u16(0).u8(0).u8(0).u16(4).i64(9).i32(1).i32(-1).i32(Integer.MIN_VALUE).i32(0).i32(0xdeadbeef)
                .writeTo(inputs.resolve("dataHeader"), "negative-block");
        new Seed().u16(0).u8(0).u8(0).u16(0xffff).i64(9).i32(1).i32(0).i32(0).i32(0).bytes(new byte[100])
                .writeTo(inputs.resolve("dataHeader"), "length-beyond-datagram");
        new Seed().bytes(beacon).writeTo(inputs.resolve("controlCodec"), "beacon");
        new Seed().bytes(nak).writeTo(inputs.resolve("controlCodec"), "nak-extreme-range");
        new Seed().bytes(have).writeTo(inputs.resolve("controlCodec"), "have-negative-first-block");
        new Seed().bytes(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
                .writeTo(inputs.resolve("controlCodec"), "length-near-2-31");
        new Seed().bytes(new byte[] {0x0a, 2, '.', '.'}).writeTo(inputs.resolve("controlCodec"), "task-id-dot-dot");
    }
}
