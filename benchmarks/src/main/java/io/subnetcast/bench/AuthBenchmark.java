package io.subnetcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.auth.DatagramOpener;
import io.subnetcast.core.auth.DatagramSealer;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a task key per data datagram: building one (header and payload into a reused pooled
 * direct buffer, as {@code TaskDatagramWriter.sendChunk} does) and sealing it in place ({@link #seal}),
 * and then also opening it in place as a receiver does ({@link #sealThenOpen}). {@code mode}:
 * {@code plain} (no key: the receiver side is {@code classify} + {@code isWellFormed}),
 * {@code authenticate} (AES-GCM tag over the clear datagram) or {@code encrypt} (AES-GCM
 * encryption). The payload is 1396 bytes: the chunk of a keyed task at MTU 1500.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class AuthBenchmark {
    @Param({"plain", "authenticate", "encrypt"})
    public String mode;

    @Param({"1396"})
    public int payload;

    @Param({"16"})
    public int keyBytes;

    private ByteBuf block;
    private ByteBuf datagram;
    private DatagramSealer sealer;
    private DatagramOpener opener;
    private int sequence;

    /** Prepares the payload, the reused datagram buffer, the sealer and the opener. */
    @Setup
    public void setUp() {
        byte[] bytes = new byte[payload];
        new SplittableRandom(1).nextBytes(bytes);
        block = PooledByteBufAllocator.DEFAULT.directBuffer(payload).writeBytes(bytes);
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(SealedHeader.OVERHEAD + DataHeader.LENGTH + payload);
        byte[] material = new byte[keyBytes];
        new SplittableRandom(2).nextBytes(material);
        SessionKey key = SessionKey.of(material);
        if (!mode.equals("plain")) {
            sealer = new DatagramSealer(key, mode.equals("encrypt"));
            opener = new DatagramOpener(key, DatagramOpener.DEFAULT_MAX_SENDERS);
        }
    }

    /** Releases the buffers. */
    @TearDown
    public void tearDown() {
        block.release();
        datagram.release();
    }

    /** @return the datagram, built (and sealed) as the sender does */
    @Benchmark
    public ByteBuf seal() {
        ByteBuf out = datagram.clear();
        int start = sealer == null ? -1 : sealer.begin(out);
        DataHeader.write(out, 0, payload, 0x1234_5678_9abc_def0L, 3, 17, 0, sequence++);
        out.writeBytes(block, block.readerIndex(), payload);
        if (sealer != null) {
            sealer.finish(out, start);
        }
        return out;
    }

    /** @return whether the receiver accepted the datagram the sender just built */
    @Benchmark
    public boolean sealThenOpen() {
        ByteBuf out = seal();
        if (opener != null && opener.open(out) != DatagramOpener.Outcome.OPENED) {
            throw new IllegalStateException("an honest datagram did not open");
        }
        return Envelope.classify(out) == Envelope.Kind.DATA && DataHeader.isWellFormed(out);
    }
}
