package io.subnetcast.bench;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Data-packet header and control-message codecs: {@link DataHeader} written and read in place over
 * a pooled direct buffer (what the sender and every receiver do per datagram), {@link Envelope#classify},
 * and {@link ControlCodec} on a beacon and on a manifest of 32 block hashes (control plane: a few
 * messages per second, measured to know their cost, not expected to be free).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class WireBenchmark {
    private static final int CHUNK = 1440;

    private ByteBuf datagram;
    private ByteBuf received;
    private ByteBuf beaconBytes;
    private ByteBuf manifestBytes;
    private Control beacon;
    private Control manifest;
    private int sequence;

    /** Prepares one outgoing and one received datagram and the control messages. */
    @Setup
    public void setUp() {
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        received = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        DataHeader.write(received, 0, CHUNK, 0x1234_5678_9abc_def0L, 3, 517, 14_400, 99);
        received.writerIndex(DataHeader.LENGTH + CHUNK);
        byte[] hashes = new byte[32 * 32];
        new SplittableRandom(5).nextBytes(hashes);
        beacon = Control.newBuilder().setTaskId("bench-task").setNodeId(0x0102_0304_0506_0708L).setEpoch(3)
                .setBeacon(Beacon.newBuilder().setSessionId(0x1234_5678_9abc_def0L).setPhase(SessionPhase.PHASE_SENDING)
                        .setPackageLength(256L << 20).setBlockSize(1 << 20).setChunkSize(CHUNK)
                        .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 77, 12}))
                        .setDataPort(41_235).setRepairUrl("http://127.0.0.1:8080/t/bench-task").setPriority(1)
                        .setBytesHeld(100L << 20).setMembersKnown(40).setMembersComplete(3).setNextBlock(100)
                        .setContentIdentity("origin:268435456:\"5f1c-2a\""))
                .build();
        manifest = Control.newBuilder().setTaskId("bench-task").setNodeId(0x0102_0304_0506_0708L).setEpoch(3)
                .setManifest(Manifest.newBuilder().setSessionId(0x1234_5678_9abc_def0L).setFirstBlock(64)
                        .setBlockSha256(ByteString.copyFrom(hashes)))
                .build();
        beaconBytes = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, beacon);
        manifestBytes = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, manifest);
    }

    /** Releases the buffers. */
    @TearDown
    public void tearDown() {
        datagram.release();
        received.release();
        beaconBytes.release();
        manifestBytes.release();
    }

    /**
     * The sender's per-datagram header: {@link DataHeader#write} into a reused buffer.
     *
     * @return the writer index, so the write is not eliminated
     */
    @Benchmark
    public int dataHeaderWrite() {
        datagram.clear();
        DataHeader.write(datagram, 0, CHUNK, 0x1234_5678_9abc_def0L, 3, 517, 14_400, sequence++);
        datagram.writerIndex(DataHeader.LENGTH + CHUNK);
        return datagram.writerIndex();
    }

    /**
     * The receiver's per-datagram checks and reads: classify, well-formedness and every field.
     *
     * @param sink consumes the fields
     */
    @Benchmark
    public void dataHeaderRead(Blackhole sink) {
        sink.consume(Envelope.classify(received));
        sink.consume(DataHeader.isWellFormed(received));
        sink.consume(DataHeader.sessionId(received));
        sink.consume(DataHeader.epoch(received));
        sink.consume(DataHeader.block(received));
        sink.consume(DataHeader.offsetInBlock(received));
        sink.consume(DataHeader.payloadLength(received));
        sink.consume(DataHeader.flags(received));
        sink.consume(DataHeader.sequence(received));
        sink.consume(DataHeader.payloadIndex(received));
    }

    /** @return the kind of the received datagram */
    @Benchmark
    public Envelope.Kind envelopeClassify() {
        return Envelope.classify(received);
    }

    /** @return bytes of the encoded beacon; the buffer is released */
    @Benchmark
    public int controlEncodeBeacon() {
        ByteBuf out = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, beacon);
        int bytes = out.readableBytes();
        out.release();
        return bytes;
    }

    /** @return the decoded beacon */
    @Benchmark
    public Control controlDecodeBeacon() {
        return ControlCodec.decode(beaconBytes);
    }

    /** @return bytes of the encoded manifest of 32 hashes; the buffer is released */
    @Benchmark
    public int controlEncodeManifest() {
        ByteBuf out = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, manifest);
        int bytes = out.readableBytes();
        out.release();
        return bytes;
    }

    /** @return the decoded manifest */
    @Benchmark
    public Control controlDecodeManifest() {
        return ControlCodec.decode(manifestBytes);
    }
}
