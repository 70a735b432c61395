package io.subnetcast.core.wire;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.subnetcast.core.cache.CacheNames;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.Status;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void dataHeaderRoundTripsInPlace() {
        ByteBuf buf = Unpooled.buffer();
        try {
            DataHeader.write(buf, DataHeader.FLAG_RETRANSMISSION, 3, 0x1122334455667788L, -2, 7, 1440, Integer.MAX_VALUE);
            buf.writeBytes(new byte[] {1, 2, 3});
            assertEquals(Envelope.Kind.DATA, Envelope.classify(buf));
            assertTrue(DataHeader.isWellFormed(buf));
            assertEquals(DataHeader.FLAG_RETRANSMISSION, DataHeader.flags(buf));
            assertEquals(0x1122334455667788L, DataHeader.sessionId(buf));
            assertEquals(-2, DataHeader.epoch(buf));
            assertEquals(7, DataHeader.block(buf));
            assertEquals(1440, DataHeader.offsetInBlock(buf));
            assertEquals(Integer.MAX_VALUE, DataHeader.sequence(buf));
            assertEquals(3, DataHeader.payloadLength(buf));
            assertEquals(1, buf.getByte(DataHeader.payloadIndex(buf)));
            assertEquals(0, buf.readerIndex(), "reading a header consumes nothing");
        } finally {
            buf.release();
        }
    }

    @Test
    void truncatedOrPaddedDataIsRefused() {
        ByteBuf buf = Unpooled.buffer();
        try {
            DataHeader.write(buf, 0, 100, 1, 1, 0, 0, 0);
            buf.writeBytes(new byte[99]); // one byte short: truncated in flight
            assertFalse(DataHeader.isWellFormed(buf));
            buf.writeBytes(new byte[2]); // one byte too many
            assertFalse(DataHeader.isWellFormed(buf));
            assertFalse(DataHeader.isWellFormed(buf.slice(0, 10)));
        } finally {
            buf.release();
        }
    }

    @Test
    void envelopesOfOtherProtocolsAndVersionsAreInvalid() {
        assertEquals(Envelope.Kind.INVALID, Envelope.classify(Unpooled.wrappedBuffer(new byte[] {0x53, 0x43, 1})));
        assertEquals(Envelope.Kind.INVALID, Envelope.classify(Unpooled.wrappedBuffer(new byte[] {0x53, 0x43, 2, 1})));
        assertEquals(Envelope.Kind.INVALID, Envelope.classify(Unpooled.wrappedBuffer(new byte[] {0x00, 0x43, 1, 1})));
        assertEquals(Envelope.Kind.INVALID, Envelope.classify(Unpooled.wrappedBuffer(new byte[] {0x53, 0x43, 1, 9})));
        assertEquals(Envelope.Kind.CONTROL, Envelope.classify(Unpooled.wrappedBuffer(new byte[] {0x53, 0x43, 1, 1})));
    }

    @Test
    void controlRoundTrips() {
        Control message = Control.newBuilder().setTaskId("task-1").setNodeId(42).setEpoch(3)
                .setBeacon(Beacon.newBuilder().setSessionId(9).setPackageLength(1L << 40).setBlockSize(1 << 20)
                        .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 77, 1})))
                .build();
        ByteBuf buf = ControlCodec.encode(ALLOC, message);
        try {
            assertEquals(Envelope.Kind.CONTROL, Envelope.classify(buf));
            assertEquals(message, ControlCodec.decode(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void controlEncodesTheSameBytesIntoHeapAndDirectBuffers() {
        byte[] hashes = new byte[32 * 32];
        new SplittableRandom(3).nextBytes(hashes);
        Control message = Control.newBuilder().setTaskId("task-1").setNodeId(42).setEpoch(3)
                .setManifest(Manifest.newBuilder().setSessionId(9).setFirstBlock(64).setBlockSha256(ByteString.copyFrom(hashes)))
                .build();
        byte[] body = message.toByteArray();
        for (ByteBufAllocator allocator : new ByteBufAllocator[] {new UnpooledByteBufAllocator(false),
            new UnpooledByteBufAllocator(true), PooledByteBufAllocator.DEFAULT}) {
            ByteBuf buf = ControlCodec.encode(allocator, message);
            try {
                assertEquals(Envelope.LENGTH + body.length, buf.readableBytes(), allocator.toString());
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                assertTrue(Arrays.equals(body, Arrays.copyOfRange(bytes, Envelope.LENGTH, bytes.length)), allocator.toString());
                assertEquals(message, ControlCodec.decode(buf));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void hostileControlDatagramsDecodeToNullNeverThrow() {
        // Invalid task id (path traversal) in an otherwise valid message.
        ByteBuf evil = ControlCodec.encode(ALLOC, Control.newBuilder().setTaskId("../etc").build());
        try {
            assertNull(ControlCodec.decode(evil));
        } finally {
            evil.release();
        }
        // Oversized.
        ByteBuf big = Unpooled.buffer();
        Envelope.write(big, Envelope.TYPE_CONTROL);
        big.writeBytes(new byte[ControlCodec.MAX_CONTROL_BYTES]);
        assertNull(ControlCodec.decode(big));
        // Random garbage after a valid envelope, many times.
        SplittableRandom random = new SplittableRandom(5);
        int decodedCount = 0;
        ByteBuf encoded = ControlCodec.encode(ALLOC, Control.newBuilder().setTaskId("pkg-1").setNodeId(7)
                .setEpoch(3).setStatus(Status.newBuilder().setSessionId(9).setBytesHeld(1 << 20)).build());
        byte[] valid = ByteBufUtil.getBytes(encoded);
        encoded.release();
        for (int i = 0; i < 20_000; i++) {
            ByteBuf garbage = Unpooled.buffer();
            if (i % 2 == 0) {
                Envelope.write(garbage, Envelope.TYPE_CONTROL);
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                garbage.writeBytes(bytes);
            } else {
                // A valid datagram with one byte of its body changed: often still decodable.
                byte[] bytes = valid.clone();
                int at = Envelope.LENGTH + random.nextInt(bytes.length - Envelope.LENGTH);
                bytes[at] = (byte) random.nextInt(256);
                garbage.writeBytes(bytes);
            }
            Control decoded = ControlCodec.decode(garbage);
            if (decoded != null) {
                // What decode admits has a valid task id and round-trips to the same message.
                assertDoesNotThrow(() -> CacheNames.requireTaskId(decoded.getTaskId()), decoded.getTaskId());
                ByteBuf again = ControlCodec.encode(ALLOC, decoded);
                try {
                    assertEquals(decoded, ControlCodec.decode(again));
                } finally {
                    again.release();
                }
                decodedCount++;
            }
            garbage.release();
        }
        assertTrue(decodedCount > 0, "no random datagram decoded: the round-trip check never ran");
        // A manifest larger than any datagram may carry cannot even be encoded.
        Control huge = Control.newBuilder().setTaskId("t")
                .setManifest(Manifest.newBuilder().setBlockSha256(ByteString.copyFrom(new byte[9000]))).build();
        assertThrows(IllegalArgumentException.class, () -> ControlCodec.encode(ALLOC, huge));
    }
}
