package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.repair.GapRepair;
import io.subnetcast.core.repair.IdleGapRepair;
import io.subnetcast.core.repair.RepairContext;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One {@link SessionAgent} on a recording {@link SessionPort} with a virtual clock, a real block
 * cache in a scratch directory and a small package, for hostile-input tests and fuzzing. Slow
 * actions (the origin, publishing, repair events) run as queued events after the agent's call
 * returns, as on the engine's event loop.
 *
 * <p>{@link #checkInvariants()} asserts what no input may break: every block the cache holds
 * verifies, nothing but the package is ever published, the member table and the peer directory
 * stay within {@link #MAX_MEMBERS}, the agent only sends chunks it holds and control messages that
 * fit a datagram, and nothing is written outside the scratch directory's cache and output folders.
 */
final class AgentHarness implements AutoCloseable {
    static final String TASK_ID = "hostile-task";
    static final int BLOCK_SIZE = 1024;
    static final int MTU = 576;
    static final int CHUNK = MTU - SessionConfig.IP_UDP_OVERHEAD - DataHeader.LENGTH;
    static final int MAX_MEMBERS = 8;
    static final long SELF = 1;
    static final long LEADER = 2;
    static final long SESSION = 0x5e55_10e1_d00dL;
    static final int LEADER_EPOCH = 1;
    static final byte[] GROUP = {(byte) 239, (byte) 255, 77, 1};
    static final int DATA_PORT = 41_235;
    static final long MS = 1_000_000L;

    final byte[] content;
    final BlockLayout layout;
    final TaskSpec task;
    final SessionConfig config;
    final Path root;
    final Path cacheRoot;
    final Path outDir;
    final SessionAgent agent;
    private final BlockCache cache;
    private final Deque<Runnable> events = new ArrayDeque<>();
    private final DataFrame frame = new DataFrame();
    private long nowNs = 1_000 * MS;
    private RepairContext repairContext;
    private InetSocketAddress joined;
    private boolean removed;

    // What the agent did, for assertions.
    final List<Control> sent = new ArrayList<>();
    long controlBytesSent;
    long chunkBytesSent;
    long retransmittedBytesSent;
    long paritySent;
    /** Blocks of which at least one chunk was retransmitted. */
    final java.util.BitSet retransmittedBlocks = new java.util.BitSet();
    long datagramsDelivered;
    long bytesDelivered;
    Path published;
    String publishFailure;

    private AgentHarness(Path root, int packageLength, long seed, SessionConfig config) throws IOException {
        this.root = root;
        this.cacheRoot = root.resolve("cache");
        this.outDir = Files.createDirectories(root.resolve("out"));
        this.content = new byte[packageLength];
        new SplittableRandom(seed).nextBytes(content);
        this.layout = new BlockLayout(packageLength, BLOCK_SIZE);
        this.task = new TaskSpec(TASK_ID, URI.create("http://origin.invalid/package.bin"), sha256(content, 0, packageLength), 0);
        this.config = config;
        this.cache = BlockCache.open(cacheRoot);
        this.agent = new SessionAgent(task, config, SELF, new Port(), new SplittableRandom(seed), (context, transfer) -> {
            repairContext = context;
            return new IdleGapRepair(); // the harness only wants to see the context it is given
        });
    }

    /** @return the settings used: small MTU and blocks, few members, no start delay */
    static SessionConfig.Builder defaults() {
        return SessionConfig.builder().mtu(MTU).blockSize(BLOCK_SIZE).maxMembers(MAX_MEMBERS)
                .startDelay(Duration.ZERO).rateBitsPerSecond(8_000_000).linger(Duration.ofSeconds(30));
    }

    /**
     * A member of the session of {@link #LEADER}: it heard one honest beacon and joined.
     *
     * @param root scratch directory
     * @param packageLength bytes of the package
     * @return the harness
     * @throws IOException if the cache cannot be opened
     */
    /**
     * An agent that has started and heard nothing yet: it is discovering.
     *
     * @param root scratch directory
     * @param packageLength bytes of the package
     * @return the harness
     * @throws IOException if the cache cannot be opened
     */
    static AgentHarness undecided(Path root, int packageLength) throws IOException {
        AgentHarness h = new AgentHarness(root, packageLength, packageLength, defaults().build());
        h.agent.start(h.nowNs);
        assertEquals(AgentState.DISCOVERING, h.agent.state());
        return h;
    }

    static AgentHarness member(Path root, int packageLength) throws IOException {
        return member(root, packageLength, defaults().build());
    }

    static AgentHarness member(Path root, int packageLength, SessionConfig config) throws IOException {
        AgentHarness h = new AgentHarness(root, packageLength, packageLength, config);
        h.agent.start(h.nowNs);
        h.deliver(h.beacon(SessionPhase.PHASE_SENDING).build());
        assertEquals(Role.MEMBER, h.agent.role());
        assertNotNull(h.agent.store());
        return h;
    }

    /**
     * The elected representative, holding the whole package and multicasting it.
     *
     * @param root scratch directory
     * @param packageLength bytes of the package
     * @return the harness
     * @throws IOException if the cache cannot be opened
     */
    static AgentHarness representative(Path root, int packageLength) throws IOException {
        return representative(root, packageLength, defaults().build());
    }

    static AgentHarness representative(Path root, int packageLength, SessionConfig config) throws IOException {
        AgentHarness h = new AgentHarness(root, packageLength, packageLength, config);
        h.agent.start(h.nowNs);
        h.advance(config.discoveryTimeout());
        // Its timers on time: the claim after the back-off, the verdict at the window's end (a
        // verdict run late counts as a stall and claims again).
        h.advance(config.claimJitter());
        h.advance(config.claimWindow().minus(config.claimJitter()));
        assertEquals(Role.REPRESENTATIVE, h.agent.role());
        assertTrue(h.agent.store() != null && h.agent.store().isComplete(), "the origin was fetched");
        h.advance(Duration.ofMillis(1));
        return h;
    }

    // ---------------------------------------------------------------- driving

    long nowNs() {
        return nowNs;
    }

    /**
     * @return whether the engine would have removed the agent: it is finished (failed, cancelled,
     *     or complete and no longer needed), so that nothing reaches it any more
     */
    boolean removed() {
        return removed;
    }

    /** Moves the clock and lets the agent run its timers. */
    void advance(Duration by) {
        nowNs += by.toNanos();
        if (removed) {
            return;
        }
        agent.doWork(nowNs);
        runEvents();
        agent.doWork(nowNs);
        runEvents();
    }

    /** Hands a decoded control message of this task to the agent, as the engine does. */
    void deliver(Control message) {
        datagramsDelivered++;
        bytesDelivered += Envelope.LENGTH + message.getSerializedSize();
        if (removed) {
            return;
        }
        agent.onControl(message, nowNs);
        runEvents();
    }

    /**
     * Hands raw datagram bytes to the agent the way the engine's receive path does: classify,
     * decode control and route it by task id, pass data on to the agent.
     */
    void deliverDatagram(byte[] bytes) {
        ByteBuf datagram = Unpooled.wrappedBuffer(bytes);
        try {
            deliverDatagram(datagram);
        } finally {
            datagram.release();
        }
    }

    void deliverDatagram(ByteBuf datagram) {
        datagramsDelivered++;
        bytesDelivered += datagram.readableBytes();
        if (removed) {
            return;
        }
        switch (Envelope.classify(datagram)) {
            case CONTROL -> {
                Control message = ControlCodec.decode(datagram);
                if (message != null && message.getTaskId().equals(TASK_ID)) {
                    agent.onControl(message, nowNs);
                }
            }
            case DATA -> agent.onData(frame.wrap(datagram), nowNs);
            case INVALID, SEALED -> {
                // Not ours, or sealed with a key this keyless agent does not have: the engine drops both.
            }
            default -> throw new IllegalStateException();
        }
        runEvents();
    }

    /** Sends a data datagram with the given header fields and payload. */
    void deliverData(int flags, long sessionId, int epoch, int block, int offset, byte[] payload) {
        deliverDatagram(dataDatagram(flags, payload.length, sessionId, epoch, block, offset, payload));
    }

    /** Sends one chunk of the real package, as the honest representative would. */
    void deliverTrueChunk(int block, int chunk) {
        int offset = chunk * CHUNK;
        int length = Math.min(CHUNK, layout.lengthOf(block) - offset);
        if (length <= 0) {
            return;
        }
        byte[] payload = Arrays.copyOfRange(content, (int) layout.offsetOf(block) + offset,
                (int) layout.offsetOf(block) + offset + length);
        deliverData(0, SESSION, LEADER_EPOCH, block, offset, payload);
    }

    /** Sends parity chunk {@code index} of the block's first group, as the honest representative computes it. */
    void deliverTrueParity(int block, int index) {
        int length = layout.lengthOf(block);
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(content, (int) layout.offsetOf(block), length).slice();
        java.nio.ByteBuffer parity = java.nio.ByteBuffer.allocate(CHUNK);
        int id = io.subnetcast.core.fec.ParityGroups.of(length, CHUNK).parityId(0, index);
        new io.subnetcast.core.fec.ParityWriter().write(bytes, length, CHUNK, id, parity);
        deliverData(DataHeader.FLAG_PARITY | DataHeader.FLAG_RETRANSMISSION, SESSION, LEADER_EPOCH, block, id,
                parity.array());
    }

    static byte[] dataDatagram(int flags, int payloadLength, long sessionId, int epoch, int block, int offset,
                               byte[] payload) {
        ByteBuf out = Unpooled.buffer(DataHeader.LENGTH + payload.length);
        try {
            DataHeader.write(out, flags, payloadLength, sessionId, epoch, block, offset, 0);
            out.writeBytes(payload);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** @return a control message of this task from {@code node} at {@code epoch} */
    static Control.Builder control(long node, int epoch) {
        return Control.newBuilder().setTaskId(TASK_ID).setNodeId(node).setEpoch(epoch);
    }

    /** @return the honest leader's beacon */
    Control.Builder beacon(SessionPhase phase) {
        return control(LEADER, LEADER_EPOCH).setBeacon(Beacon.newBuilder().setSessionId(SESSION).setPhase(phase)
                .setPackageLength(layout.length()).setBlockSize(BLOCK_SIZE).setChunkSize(CHUNK)
                .setDataGroup(ByteString.copyFrom(GROUP)).setDataPort(DATA_PORT)
                .setRepairUrl("http://198.18.0.2:8080/t/" + TASK_ID).setContentIdentity(task.contentIdentityOrNull()));
    }

    /** @return the honest leader's manifest of blocks {@code first} to {@code first + count - 1} */
    Control trueManifest(int first, int count) {
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        for (int block = first; block < first + count && block < layout.blockCount(); block++) {
            hashes.writeBytes(trueHash(block));
        }
        return control(LEADER, LEADER_EPOCH).setManifest(Manifest.newBuilder().setSessionId(SESSION)
                .setFirstBlock(first).setBlockSha256(ByteString.copyFrom(hashes.toByteArray()))).build();
    }

    byte[] trueHash(int block) {
        return sha256(content, (int) layout.offsetOf(block), layout.lengthOf(block));
    }

    /** @return the repair context once the agent started repair, else null */
    RepairContext repairContext() {
        return repairContext;
    }

    /** @return the data group the agent receives, or null */
    InetSocketAddress joinedGroup() {
        return joined;
    }

    /** Runs queued events, then removes a finished agent as the engine does after every event. */
    private void runEvents() {
        for (int i = 0; i < 10_000 && !events.isEmpty(); i++) {
            events.poll().run();
        }
        assertTrue(events.isEmpty(), "events keep producing events");
        removed |= agent.isFinished(nowNs);
    }

    // ---------------------------------------------------------------- invariants

    /** Asserts what no input may break; see the class comment. */
    /** Role and state never disagree: only a representative fetches or sends, only a member receives. */
    static void assertRoleFitsState(Role role, AgentState state) {
        boolean fits = switch (state) {
            case DISCOVERING, CLAIMING -> role == Role.UNDECIDED;
            case FETCHING, SENDING -> role == Role.REPRESENTATIVE;
            case WAITING, RECEIVING -> role == Role.MEMBER;
            case REPAIRING -> role == Role.MEMBER;
            case COMPLETE, PAUSED, FAILED, CANCELLED -> true;
        };
        assertTrue(fits, "role " + role + " in state " + state);
    }

    /** Every invariant: {@link #checkProtocolInvariants()} and {@link #checkNothingWrittenOutside()}. */
    void checkInvariants() throws IOException {
        checkProtocolInvariants();
        checkNothingWrittenOutside();
    }

    /** What must hold after every event: held blocks verify, role fits state, bounds kept. */
    void checkProtocolInvariants() throws IOException {
        BlockFile store = agent.store();
        if (store != null && !store.isPublished()) {
            BlockLayout storeLayout = store.layout();
            // Up to the last present block: a stranger's layout may have two million blocks, none held.
            int present = store.presentBlocks();
            for (int block = 0, seen = 0; block < storeLayout.blockCount() && seen < present; block++) {
                if (!store.hasBlock(block)) {
                    continue;
                }
                seen++;
                ByteBuffer bytes = ByteBuffer.allocate(storeLayout.lengthOf(block));
                store.read(storeLayout.offsetOf(block), bytes);
                bytes.flip();
                byte[] actual = sha256(bytes);
                assertArrayEquals(actual, store.presentBlockHash(block), "present block " + block + " does not verify");
                byte[] expected = store.expectedBlockHash(block);
                if (expected != null) {
                    assertArrayEquals(expected, actual, "present block " + block + " differs from its manifest hash");
                }
            }
        }
        if (published != null) {
            assertArrayEquals(content, Files.readAllBytes(published), "published bytes differ from the package");
        }
        assertRoleFitsState(agent.role(), agent.state());
        if (agent.role() == Role.REPRESENTATIVE) {
            // A member's count is the leader's word; the representative's is its member table.
            SessionProgress progress = agent.progress(nowNs);
            assertTrue(progress.membersKnown() <= MAX_MEMBERS, "member table beyond its bound: " + progress.membersKnown());
        }
        if (repairContext != null && repairContext.peers() != null) {
            assertTrue(repairContext.peers().peers().size() <= MAX_MEMBERS,
                    "peer directory beyond its bound: " + repairContext.peers().peers().size());
        }
        if (repairContext != null && repairContext.tracker() != null && store != null) {
            assertTrue(repairContext.tracker().partialBlocks() <= store.layout().blockCount());
        }
        if (joined != null) {
            assertTrue(joined.getAddress().isMulticastAddress(), "joined a unicast address " + joined);
        }
    }

    /**
     * No file outside the task's cache entry and the output folder. A walk of the scratch tree costs
     * as much as the rest of the checks together, so a fuzz input runs it once at its end: a file
     * written outside stays there (the agent deletes nothing outside its entry).
     */
    void checkNothingWrittenOutside() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(file -> assertTrue(
                    file.startsWith(cacheRoot.resolve(TASK_ID)) || file.startsWith(outDir), "file written outside: " + file));
        }
    }

    @Override
    public void close() throws IOException {
        agent.cancel(nowNs);
        BlockFile store = agent.store();
        if (store != null) {
            store.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static byte[] sha256(byte[] bytes, int offset, int length) {
        MessageDigest digest = BlockHashes.newSha256();
        digest.update(bytes, offset, length);
        return digest.digest();
    }

    private static byte[] sha256(ByteBuffer bytes) {
        MessageDigest digest = BlockHashes.newSha256();
        digest.update(bytes);
        return digest.digest();
    }

    // ---------------------------------------------------------------- the port

    private final class Port implements SessionPort {
        @Override
        public void sendControl(Control message) {
            ByteBuf encoded = ControlCodec.encode(Unpooled.buffer().alloc(), message);
            try {
                controlBytesSent += encoded.readableBytes();
            } finally {
                encoded.release();
            }
            sent.add(message);
        }

        @Override
        public boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                                 int sequence, int flags) {
            assertTrue(store.hasBlock(block), "sends block " + block + " it does not hold");
            if ((flags & DataHeader.FLAG_PARITY) != 0) {
                assertTrue(length == CHUNK && io.subnetcast.core.fec.ParityGroups.of(store.layout().lengthOf(block), CHUNK)
                        .isValidParityId(offsetInBlock), "parity " + offsetInBlock + " of block " + block);
                paritySent++;
            } else {
                assertTrue(offsetInBlock >= 0 && length > 0 && length <= CHUNK
                        && offsetInBlock + length <= store.layout().lengthOf(block), "chunk outside its block");
                ByteBuffer payload = ByteBuffer.allocate(length);
                try {
                    store.read(store.layout().offsetOf(block) + offsetInBlock, payload);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            chunkBytesSent += length;
            if ((flags & DataHeader.FLAG_RETRANSMISSION) != 0) {
                retransmittedBytesSent += length;
                retransmittedBlocks.set(block);
            }
            return true;
        }

        @Override
        public void joinDataGroup(InetSocketAddress group) {
            joined = group;
        }

        @Override
        public void leaveDataGroup() {
            joined = null;
        }

        @Override
        public BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException {
            return cache.open(taskId, length, blockSize, identity);
        }

        @Override
        public void probeOrigin(TaskSpec spec) {
            events.add(() -> agent.onPackageInfo(content.length, "\"v1\"", nowNs));
        }

        @Override
        public void fetchTrustedManifest(TaskSpec spec) {
            events.add(() -> agent.onFetchFailed("this harness serves no trusted manifest", nowNs));
        }

        @Override
        public void fetchMissing(TaskSpec spec, BlockFile store, java.util.function.IntPredicate wanted) {
            events.add(() -> {
                BlockLayout storeLayout = store.layout();
                if (storeLayout.length() != content.length) {
                    // A layout from a forged beacon: the origin's ranges do not fit it.
                    agent.onFetchFailed("the origin's package is " + content.length + " bytes, not " + storeLayout.length(), nowNs);
                    return;
                }
                try {
                    for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
                        if (!wanted.test(block)) {
                            continue;
                        }
                        store.write(storeLayout.offsetOf(block),
                                ByteBuffer.wrap(content, (int) storeLayout.offsetOf(block), storeLayout.lengthOf(block)));
                        if (!store.commitBlock(block)) {
                            // As PackageDownloader: the origin's bytes disagree with the block's
                            // expected hash (a manifest said otherwise), and the fetch fails.
                            agent.onFetchFailed("block " + block + " did not verify after download", nowNs);
                            return;
                        }
                        agent.onBlockFetched(block, nowNs);
                    }
                } catch (IOException e) {
                    agent.onFetchFailed(e.getMessage(), nowNs);
                }
            });
        }

        @Override
        public void cancelFetch() {
        }

        @Override
        public void publish(TaskSpec spec, BlockFile store) {
            events.add(() -> {
                Path target = outDir.resolve(spec.taskId());
                try {
                    store.publish(target, spec.sha256());
                    published = target;
                    agent.onPublished(target, nowNs);
                } catch (IOException e) {
                    publishFailure = e.getMessage();
                    agent.onPublishFailed(e.getMessage(), nowNs);
                }
            });
        }

        @Override
        public void stateChanged(AgentState state, Role role, String reason) {
        }

        @Override
        public URI blockServerUrl(String taskId) {
            return URI.create("http://198.18.0.1:8080/t/" + taskId);
        }
    }
}
