package io.subnetcast.bench;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A member's whole receive path for one data datagram, {@link SessionAgent#onData}, over a port that
 * does nothing but open the cache: header checks, duplicate test, positional write into the cache
 * file, chunk bookkeeping and, once per 1 MiB block (every 729th datagram), the block's read-back
 * and SHA-256. Each iteration starts a fresh agent on a fresh 4 GiB (sparse) cache entry that it
 * fills in order, so that no datagram is a duplicate.
 *
 * <ul>
 *   <li>{@code onDataInOrder}: every datagram new, block after block;</li>
 *   <li>{@code onDataDuplicate}: a datagram of a block already held (the early return).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class SessionReceiveBenchmark {
    private static final long SESSION = 0x5e55_1011_0000_0001L;
    private static final long PACKAGE = 4L << 30;
    private static final int BLOCK = 1 << 20;
    private static final SessionConfig CONFIG = SessionConfig.builder().build();
    private static final int CHUNK = CONFIG.chunkSize();

    private Path directory;
    private SessionAgent agent;
    private BenchPort port;
    private BlockLayout layout;
    private ByteBuf datagram;
    // The dispatcher's one reusable view, as in the engine.
    private final DataFrame frame = new DataFrame();
    private long nowNs = 1_000_000_000L;
    private int block;
    private int offset;
    private int sequence;
    private int duplicateOffset;

    /**
     * Starts an agent, makes it follow a sending session and gives it block 0 whole.
     *
     * @throws IOException on failure
     */
    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        directory = BenchFiles.tempDirectory("subnetcast-session-bench");
        port = new BenchPort(BlockCache.open(directory));
        TaskSpec task = new TaskSpec("bench", URI.create("http://127.0.0.1:9/pkg.bin"), null, 0);
        agent = new SessionAgent(task, CONFIG, 1, port, new SplittableRandom(1));
        agent.start(nowNs);
        Control beacon = Control.newBuilder().setTaskId("bench").setNodeId(2).setEpoch(1)
                .setBeacon(Beacon.newBuilder().setSessionId(SESSION).setPhase(SessionPhase.PHASE_SENDING)
                        .setPackageLength(PACKAGE).setBlockSize(BLOCK).setChunkSize(CHUNK)
                        .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, (byte) 250, 1}))
                        .setDataPort(41_235).setContentIdentity("bench"))
                .build();
        agent.onControl(beacon, nowNs);
        if (agent.role() != Role.MEMBER || agent.state() != AgentState.RECEIVING) {
            throw new IllegalStateException("agent did not join: " + agent.state() + "/" + agent.role());
        }
        layout = agent.store().layout();
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(DataHeader.LENGTH + CHUNK);
        frame.wrap(datagram);
        byte[] payload = new byte[CHUNK];
        new SplittableRandom(3).nextBytes(payload);
        datagram.writerIndex(DataHeader.LENGTH).writeBytes(payload);
        block = 0;
        offset = 0;
        while (block == 0) {
            deliverNext();
        }
        if (!agent.store().hasBlock(0)) {
            throw new IllegalStateException("block 0 did not commit");
        }
    }

    /**
     * Closes the agent's cache entry and deletes it.
     *
     * @throws IOException on failure
     */
    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        datagram.release();
        agent.cancel(nowNs);
        BlockFile store = agent.store();
        if (store != null) {
            store.close();
        }
        BenchFiles.deleteTree(directory);
    }

    private void deliverNext() {
        if (block >= layout.blockCount()) {
            throw new IllegalStateException("the 4 GiB package is exhausted: shorten the iteration");
        }
        int length = Math.min(CHUNK, layout.lengthOf(block) - offset);
        rewrite(block, offset, length);
        nowNs += 1_000;
        agent.onData(frame, nowNs);
        offset += CHUNK;
        if (offset >= layout.lengthOf(block)) {
            offset = 0;
            block++;
        }
    }

    private void rewrite(int chunkBlock, int chunkOffset, int length) {
        datagram.writerIndex(0);
        DataHeader.write(datagram, 0, length, SESSION, 1, chunkBlock, chunkOffset, sequence++);
        datagram.writerIndex(DataHeader.LENGTH + length);
    }

    /** One new datagram. */
    @Benchmark
    public void onDataInOrder() {
        deliverNext();
    }

    /** One datagram of block 0, which the agent already holds. */
    @Benchmark
    public void onDataDuplicate() {
        int length = Math.min(CHUNK, layout.lengthOf(0) - duplicateOffset);
        rewrite(0, duplicateOffset, length);
        agent.onData(frame, nowNs);
        duplicateOffset += CHUNK;
        if (duplicateOffset >= layout.lengthOf(0)) {
            duplicateOffset = 0;
        }
    }

    /** A port that opens the cache and ignores everything else: no sockets, no HTTP. */
    private final class BenchPort implements SessionPort {
        private final BlockCache cache;

        BenchPort(BlockCache cache) {
            this.cache = cache;
        }

        @Override
        public void sendControl(Control message) {
        }

        @Override
        public boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                                 int sequence, int flags) {
            return true;
        }

        @Override
        public void joinDataGroup(InetSocketAddress group) {
        }

        @Override
        public void leaveDataGroup() {
        }

        @Override
        public BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException {
            return cache.open(taskId, length, blockSize, identity);
        }

        @Override
        public void probeOrigin(TaskSpec task) {
        }

        @Override
        public void fetchMissing(TaskSpec task, BlockFile store, java.util.function.IntPredicate wanted) {
        }

        @Override
        public void fetchTrustedManifest(TaskSpec task) {
        }

        @Override
        public void cancelFetch() {
        }

        @Override
        public void publish(TaskSpec task, BlockFile store) {
        }

        @Override
        public void stateChanged(AgentState state, Role role, String reason) {
        }

        @Override
        public URI blockServerUrl(String taskId) {
            return null;
        }
    }
}
