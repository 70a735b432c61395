package io.subnetcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.subnetcast.core.wire.DataHeader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
 * How the engine builds each data datagram before Netty sends it, copied from
 * {@code io.subnetcast.core.engine.TaskDatagramWriter#sendChunk} (package-private there) so that its cost
 * can be measured without a socket: a pooled direct buffer, the 32-byte header, the payload copied
 * from the block read once into a direct {@code ByteBuffer}, and a {@link DatagramPacket} to the
 * group. The packet is handed to a blackhole (in the engine it escapes into the channel) and
 * released.
 *
 * <ul>
 *   <li>{@code asTaskRuntimeDoes}: the payload copied from {@code block.duplicate().position(..).limit(..)};</li>
 *   <li>{@code fromBlockByteBuf}: the block held in a pooled {@code ByteBuf} and the payload copied
 *       with {@code writeBytes(block, offset, length)}, no duplicate;</li>
 *   <li>{@code datagramOnly}: the same without the {@code DatagramPacket}, what a channel connected
 *       to the data group could write.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class SendChunkBenchmark {
    private static final int CHUNK = 1440;
    private static final int BLOCK = 1 << 20;

    private final InetSocketAddress group = new InetSocketAddress("239.255.250.1", 41_235);
    private ByteBuffer blockBytes;
    private ByteBuf blockBuf;
    private int offset;
    private int sequence;

    /** Fills one 1 MiB block, as a direct ByteBuffer and as a pooled ByteBuf. */
    @Setup
    public void setUp() {
        byte[] bytes = new byte[BLOCK];
        new SplittableRandom(1).nextBytes(bytes);
        blockBytes = ByteBuffer.allocateDirect(BLOCK);
        blockBytes.put(bytes).clear();
        blockBuf = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK).writeBytes(bytes);
    }

    /** Releases the block. */
    @TearDown
    public void tearDown() {
        blockBuf.release();
    }

    private int nextOffset() {
        int at = offset;
        offset += CHUNK;
        if (offset + CHUNK > BLOCK) {
            offset = 0;
        }
        return at;
    }

    /** @param sink takes the packet, as the channel would */
    @Benchmark
    public void asTaskRuntimeDoes(Blackhole sink) {
        int at = nextOffset();
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        DataHeader.write(datagram, 0, CHUNK, 7, 1, 3, at, sequence++);
        datagram.writeBytes(blockBytes.duplicate().position(at).limit(at + CHUNK));
        DatagramPacket packet = new DatagramPacket(datagram, group);
        sink.consume(packet);
        packet.release();
    }

    /** @param sink takes the packet, as the channel would */
    @Benchmark
    public void fromBlockByteBuf(Blackhole sink) {
        int at = nextOffset();
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        DataHeader.write(datagram, 0, CHUNK, 7, 1, 3, at, sequence++);
        datagram.writeBytes(blockBuf, at, CHUNK);
        DatagramPacket packet = new DatagramPacket(datagram, group);
        sink.consume(packet);
        packet.release();
    }

    /** @param sink takes the datagram, as a connected channel would */
    @Benchmark
    public void datagramOnly(Blackhole sink) {
        int at = nextOffset();
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        DataHeader.write(datagram, 0, CHUNK, 7, 1, 3, at, sequence++);
        datagram.writeBytes(blockBuf, at, CHUNK);
        sink.consume(datagram);
        datagram.release();
    }
}
