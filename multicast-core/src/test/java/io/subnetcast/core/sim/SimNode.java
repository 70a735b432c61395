package io.subnetcast.core.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.auth.DatagramSealer;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.engine.DatagramDispatcher;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/** One simulated host: runs a {@link SessionAgent} per task over the {@link SimulatedLan}. */
public final class SimNode {
    /** The control group every simulated engine listens to. */
    public static final InetSocketAddress CONTROL_GROUP = new InetSocketAddress("239.255.0.1", 41_234);

    private final SimulatedLan lan;
    private final String name;
    private final int subnet;
    private final long nodeId;
    private final SplittableRandom random;
    private final Path directory;
    private final Map<String, AgentPort> ports = new LinkedHashMap<>();
    // The engine's receive path; a fault in an agent fails the test that drove it.
    private final DatagramDispatcher<AgentPort> dispatcher = new DatagramDispatcher<>(DatagramDispatcher.OnFault.RETHROW);
    private boolean up = true;
    private BlockCache cache;
    private GapRepairFactory repairFactory;
    private boolean corrupt;
    private boolean suspended;
    private long clockOffsetNs;
    private boolean stalling;
    private long repairBytesServed;
    private SimLink link;

    // Position in the LAN's node list; the LAN's timer queue entries of this node are current only
    // while they carry this stamp.
    private final int index;
    long wakeStamp;

    SimNode(SimulatedLan lan, int index, String name, int subnet, long nodeId, SplittableRandom random, Path directory) {
        this.lan = lan;
        this.index = index;
        this.name = name;
        this.subnet = subnet;
        this.nodeId = nodeId;
        this.random = random;
        this.directory = directory;
    }

    /** What happened to one agent, for assertions. */
    public final class AgentPort implements SessionPort, DatagramDispatcher.Target {
        private SessionAgent agent;
        private boolean retired;
        private SessionKey key;
        private DatagramSealer controlSealer;
        private DatagramSealer sealer;
        private InetSocketAddress joined;
        private final List<String> transitions = new ArrayList<>();
        private final List<Long> transitionTimesNs = new ArrayList<>();
        private final Map<Integer, Long> firstChunkSentNs = new LinkedHashMap<>();
        private final Map<Integer, Long> lastChunkSentNs = new LinkedHashMap<>();
        private long joinedAtNs = -1;
        private long dataDatagramsSent;
        private long retransmittedBytes;
        private long paritySent;
        private final io.subnetcast.core.fec.ParityWriter parityWriter = new io.subnetcast.core.fec.ParityWriter();
        private ByteBuffer parityBlock;
        private BlockFile parityBlockStore;
        private int parityBlockIndex = -1;
        private final Map<Integer, Integer> retransmittedChunks = new LinkedHashMap<>();
        private Path published;
        private String publishFailure;

        /** @return the agent */
        @Override
        public SessionAgent agent() {
            return agent;
        }

        @Override
        public String taskId() {
            return agent.task().taskId();
        }

        @Override
        public SessionKey key() {
            return key;
        }

        /** @return whether the agent has joined its data group; the LAN delivers a group to the node while any agent has */
        @Override
        public boolean receivesData() {
            return joined != null;
        }

        /** @return "STATE/ROLE" strings in order */
        public List<String> transitions() {
            return transitions;
        }

        /** @return virtual time the agent first joined a data group, or -1 */
        public long joinedAtNs() {
            return joinedAtNs;
        }

        /** @return per block, when its first first-pass chunk was sent (representative only) */
        public Map<Integer, Long> firstChunkSentNs() {
            return firstChunkSentNs;
        }

        /** @return per block, when its last first-pass chunk was sent (representative only) */
        public Map<Integer, Long> lastChunkSentNs() {
            return lastChunkSentNs;
        }

        /** @return data datagrams this agent sent */
        public long dataDatagramsSent() {
            return dataDatagramsSent;
        }

        /** @return payload bytes this agent multicast as retransmissions */
        public long retransmittedBytes() {
            return retransmittedBytes;
        }

        /** @return parity datagrams sent (their bytes count in {@link #retransmittedBytes()}) */
        public long paritySent() {
            return paritySent;
        }

        /** @return per block, how many chunk datagrams were multicast again */
        public Map<Integer, Integer> retransmittedChunks() {
            return retransmittedChunks;
        }

        /** @return where the package was published, or null */
        public Path published() {
            return published;
        }

        /** @return the LAN's time of each of {@link #transitions} */
        public List<Long> transitionTimesNs() {
            return transitionTimesNs;
        }

        /** @return why publishing failed, or null */
        public String publishFailure() {
            return publishFailure;
        }

        @Override
        public void sendControl(Control message) {
            if (corrupt && message.hasManifest()) {
                message = forge(message);
            }
            lan.multicast(SimNode.this, CONTROL_GROUP, sealed(controlSealer, ControlCodec.encode(Unpooled.buffer().alloc(), message)),
                    false);
        }

        /** The datagram as this task sends it: sealed when the task has a key (as the engine, control and data apart). */
        private ByteBuf sealed(DatagramSealer sealer, ByteBuf plain) {
            return sealer == null ? plain : sealer.seal(Unpooled.buffer().alloc(), plain);
        }

        @Override
        public int datagramOverhead() {
            return sealer == null ? 0 : SealedHeader.OVERHEAD;
        }

        /** A hostile representative vouches for its corrupted blocks with matching hashes. */
        private Control forge(Control message) {
            var manifest = message.getManifest();
            BlockFile store = agent.store();
            byte[] all = lan.origin().manifestOf(store.layout().blockSize(), true);
            int first = manifest.getFirstBlock();
            int count = manifest.getBlockSha256().size() / 32;
            byte[] forged = java.util.Arrays.copyOfRange(all, 24 + first * 32, 24 + (first + count) * 32);
            return message.toBuilder().setManifest(manifest.toBuilder()
                    .setBlockSha256(com.google.protobuf.ByteString.copyFrom(forged))).build();
        }

        @Override
        public void fetchTrustedManifest(TaskSpec task) {
            lan.scheduleFor(SimNode.this, lan.nowNs() + manifestFetchNs, () -> {
                if (!up) {
                    return;
                }
                try {
                    int blockSize = trustedBlockSize;
                    agent.onTrustedManifest(io.subnetcast.core.cache.TrustedManifest.parse(
                            lan.origin().manifestBytes(blockSize), task.manifestSha256()), now());
                } catch (IOException | IllegalArgumentException e) {
                    agent.onFetchFailed("trusted manifest refused: " + e.getMessage(), now());
                }
            });
        }

        @Override
        public boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                                 int sequence, int flags) {
            ByteBuf datagram = Unpooled.buffer(DataHeader.LENGTH + length);
            DataHeader.write(datagram, flags, length, sessionId, epoch, block, offsetInBlock, sequence);
            ByteBuffer payload = datagram.nioBuffer(DataHeader.LENGTH, length);
            try {
                if ((flags & DataHeader.FLAG_PARITY) != 0) {
                    parityWriter.write(blockForParity(store, block), store.layout().lengthOf(block), length,
                            offsetInBlock, payload);
                    paritySent++;
                } else {
                    store.read(store.layout().offsetOf(block) + offsetInBlock, payload);
                }
            } catch (IOException e) {
                datagram.release();
                throw new UncheckedIOException(e);
            }
            datagram.writerIndex(DataHeader.LENGTH + length);
            if (corrupt) {
                byte[] damaged = new byte[length];
                datagram.getBytes(DataHeader.LENGTH, damaged);
                SimNode.corrupt(damaged, offsetInBlock);
                datagram.setBytes(DataHeader.LENGTH, damaged);
            }
            if ((flags & DataHeader.FLAG_RETRANSMISSION) != 0) {
                retransmittedBytes += length;
                retransmittedChunks.merge(block, 1, Integer::sum);
            }
            if (flags == 0) {
                firstChunkSentNs.putIfAbsent(block, lan.nowNs());
                lastChunkSentNs.put(block, lan.nowNs());
            }
            dataDatagramsSent++;
            lan.multicast(SimNode.this, agent.dataGroup(), sealed(sealer, datagram), true);
            return true;
        }

        /** The block parity is computed from, read once per block as the engine does. */
        private ByteBuffer blockForParity(BlockFile store, int block) throws IOException {
            if (parityBlockStore != store || parityBlockIndex != block) {
                if (parityBlock == null || parityBlock.capacity() < store.layout().blockSize()) {
                    parityBlock = ByteBuffer.allocate(store.layout().blockSize());
                }
                parityBlock.clear().limit(store.layout().lengthOf(block));
                store.read(store.layout().offsetOf(block), parityBlock);
                parityBlock.clear();
                parityBlockStore = store;
                parityBlockIndex = block;
            }
            return parityBlock;
        }

        @Override
        public long basisLength(TaskSpec task) {
            return basis.stream().mapToLong(file -> file.toFile().length()).sum();
        }

        @Override
        public void fetchUnits(TaskSpec task, io.subnetcast.core.cache.TrustedManifest manifest, URI peer) {
            fetchUnitsFrom(manifest, peer, 20);
        }

        /** As the engine: a peer that does not hold the units yet is asked again every 500 ms, then the origin. */
        private void fetchUnitsFrom(io.subnetcast.core.cache.TrustedManifest manifest, URI peer, int attempts) {
            lan.scheduleFor(SimNode.this, lan.nowNs() + (peer == null || attempts == 20 ? 1_000_000 : 500_000_000), () -> {
                if (!up) {
                    return;
                }
                byte[] units = peer == null ? lan.origin().unitsBytes() : unitsOf(peer);
                if (units == null) {
                    fetchUnitsFrom(manifest, attempts > 1 ? peer : null, attempts - 1);
                    return;
                }
                if (peer == null) {
                    lan.origin().countUnitsServed(units.length);
                } else {
                    unitsFromPeers++;
                }
                try {
                    agent.onUnits(manifest.withUnits(units), now());
                } catch (IOException e) {
                    agent.onUnitsFailed(e.getMessage(), now());
                }
            });
        }

        /** @return the units file the peer at {@code url} keeps for this task, or null */
        private byte[] unitsOf(URI url) {
            for (SimNode node : lan.nodes()) {
                AgentPort other = node.port(taskId());
                if (node.isUp() && other != null && other != this && url.equals(other.blockServerUrl(taskId()))
                        && other.agent.store() != null && other.agent.store().unitsFile() != null) {
                    try {
                        return Files.readAllBytes(other.agent.store().unitsFile());
                    } catch (IOException e) {
                        return null;
                    }
                }
            }
            return null;
        }

        @Override
        public void keepUnits(BlockFile store, io.subnetcast.core.cache.TrustedManifest manifest) {
            try {
                store.keepUnits(manifest.unitsBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void scanBasis(TaskSpec task, BlockFile store, io.subnetcast.core.cache.TrustedManifest manifest) {
            // As the engine's worker thread would: the scan's result is a later event.
            try {
                store.keepUnits(manifest.unitsBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            io.subnetcast.core.session.BasisScan scan = io.subnetcast.core.engine.BasisSeeder.seed(manifest.units(),
                    store, basis);
            long scanNs = agent.role() == Role.REPRESENTATIVE ? basisScanNs : memberBasisScanNs;
            lan.scheduleFor(SimNode.this, lan.nowNs() + scanNs, () -> {
                if (up) {
                    agent.onBasisScanned(scan, now());
                }
            });
        }

        @Override
        public void joinDataGroup(InetSocketAddress group) {
            joined = group;
            if (joinedAtNs < 0) {
                joinedAtNs = lan.nowNs();
            }
        }

        @Override
        public void leaveDataGroup() {
            joined = null;
        }

        @Override
        public BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException {
            return cache().open(taskId, length, blockSize, identity);
        }

        @Override
        public void probeOrigin(TaskSpec task) {
            lan.origin().advanceTo(lan.nowNs());
            lan.origin().probe(agent);
        }

        @Override
        public void fetchMissing(TaskSpec task, BlockFile store, IntPredicate wanted) {
            lan.origin().advanceTo(lan.nowNs());
            lan.origin().fetch(agent, store, wanted);
        }

        @Override
        public void cancelFetch() {
            lan.origin().cancel(agent);
        }

        @Override
        public void publish(TaskSpec task, BlockFile store) {
            Path target = directory.resolve("published-" + task.taskId());
            try {
                store.publish(target, task.sha256());
                published = target;
                agent.onPublished(target, now());
            } catch (io.subnetcast.core.cache.IntegrityException e) {
                publishFailure = e.getMessage();
                agent.onPublishMismatch(e.getMessage(), now());
            } catch (IOException e) {
                publishFailure = e.getMessage();
                agent.onPublishFailed(e.getMessage(), now());
            }
        }

        @Override
        public void stateChanged(AgentState state, Role role, String reason) {
            transitions.add(state + "/" + role);
            transitionTimesNs.add(lan.nowNs());
        }

        @Override
        public URI blockServerUrl(String taskId) {
            return URI.create("sim://" + name + "/t/" + taskId);
        }

        @Override
        public PeerTransfer peerTransfer() {
            return lan.peerTransfer() == null ? null : delivered;
        }
    }

    /**
     * The node's view of the LAN's transfer: each completion comes back as a LAN event of this node
     * (dropped while it is down), with the time on its own clock, as the engine hands completions
     * to its loop.
     */
    private final PeerTransfer delivered = new PeerTransfer() {
        @Override
        public Cancel fetch(URI source, long offset, int length, BlockFile store, Completion completion) {
            return lan.peerTransfer().fetch(source, offset, length, store,
                    (outcome, detail, lanNowNs) -> lan.scheduleFor(SimNode.this, lan.nowNs(), () -> {
                        if (up) {
                            completion.done(outcome, detail, now());
                        }
                    }));
        }

        @Override
        public Cancel fetchManifest(URI source, int blockCount, ManifestCompletion completion) {
            return lan.peerTransfer().fetchManifest(source, blockCount,
                    (hashes, lanNowNs) -> lan.scheduleFor(SimNode.this, lan.nowNs(), () -> {
                        if (up) {
                            completion.done(hashes, now());
                        }
                    }));
        }

        @Override
        public Cancel fetchUnitsHeld(URI source, io.subnetcast.core.cache.BlockLayout layout, UnitsHeldCompletion completion) {
            return lan.peerTransfer().fetchUnitsHeld(source, layout,
                    (units, lanNowNs) -> lan.scheduleFor(SimNode.this, lan.nowNs(), () -> {
                        if (up) {
                            completion.done(units, now());
                        }
                    }));
        }
    };

    /**
     * Sets the gap repair of agents started from now on.
     *
     * @param factory the factory, or null for retransmission only
     */
    public void setRepairFactory(GapRepairFactory factory) {
        this.repairFactory = factory;
    }


    /**
     * Freezes the node as a long GC pause or a suspended VM would: it neither runs nor hears
     * anything, and keeps its state for {@link #wake()}.
     */
    public void suspend() {
        suspended = true;
    }

    /** Ends {@link #suspend()}: the node continues with the state it had. */
    public void wake() {
        suspended = false;
    }

    /** @return whether the node is frozen */
    public boolean isSuspended() {
        return suspended;
    }

    /**
     * What a stalled engine does first when it runs again. Both happen on a real host; which one
     * depends on where the stall struck the engine's event loop.
     */
    public enum StallResume {
        /**
         * The loop was waiting in epoll_wait (or select) when it lost the CPU, as an idle engine
         * almost always is. When it runs again, Netty's loop handles the ready sockets before its
         * scheduled tasks ({@code processReady}/{@code processSelectedKeys}, then
         * {@code runAllTasks}), and the engine's work cycle runs the agents' timers after each read
         * burst of at most {@value #READ_BURST} datagrams (the datagram channel's messages per
         * read): the queued datagrams come first, the overdue timers right after each burst.
         */
        SOCKET_FIRST,
        /**
         * The stall struck after the loop had taken its due wake-up but before the work cycle read
         * the clock: a GC safepoint or a preemption inside Java code, frequent in a JVM that is still
         * starting (interpreted code, class loading, compiler threads on a starved CPU). The overdue
         * timers run first, with the late clock; what arrived meanwhile waits in the socket until
         * the loop reads it next.
         */
        TIMERS_FIRST
    }

    /** Datagrams a read loop takes from a socket before the engine runs timers: Netty's datagram channel default. */
    static final int READ_BURST = 16;
    /**
     * The receive buffer a stalled node's socket holds: net.core.rmem_max's usual default, to
     * which the kernel caps the engine's larger request. Counted in datagram bytes only (the kernel
     * counts its bookkeeping too, so a real socket holds somewhat fewer).
     */
    static final int SOCKET_BUFFER_BYTES = 212_992;

    private record Queued(ByteBuf datagram, boolean data) { }

    private final java.util.ArrayDeque<Queued> socketQueue = new java.util.ArrayDeque<>();
    private final List<Runnable> deferredEvents = new ArrayList<>();
    private int socketQueueBytes;
    private long socketOverflows;
    private boolean stalled;
    private StallResume stallResume;

    /**
     * Stalls the node as a starved JVM stalls (unlike {@link #suspend()}, which drops what arrives):
     * from now until {@code duration} later its timers do not run and no event reaches its agents;
     * datagrams addressed to it queue in its socket (up to {@value #SOCKET_BUFFER_BYTES} bytes, as
     * the kernel's receive buffer; beyond that they are dropped), and completions (origin blocks,
     * transfers, scans) wait for the loop. When it runs again it handles the queued datagrams and its
     * overdue timers in the order {@code resume} says, then the waiting completions, as Netty runs
     * tasks after I/O.
     *
     * @param duration how long the node does not run
     * @param resume what it does first when it runs again
     */
    public void stall(java.time.Duration duration, StallResume resume) {
        if (stalled) {
            throw new IllegalStateException(name + " is stalled already");
        }
        stalled = true;
        stallResume = resume;
        lan.scheduleInBackground(lan.nowNs() + duration.toNanos(), this::resumeFromStall);
    }

    /** @return whether the node is stalled ({@link #stall}) */
    public boolean isStalled() {
        return stalled;
    }

    /** @return datagrams dropped because its socket's buffer was full while the node was stalled */
    public long socketOverflows() {
        return socketOverflows;
    }

    /** A datagram reached the stalled node: it waits in the socket, or is dropped when the buffer is full. */
    void queue(ByteBuf datagram, boolean data) {
        if (socketQueueBytes + datagram.readableBytes() > SOCKET_BUFFER_BYTES) {
            socketOverflows++;
            return;
        }
        socketQueueBytes += datagram.readableBytes();
        socketQueue.add(new Queued(datagram.retain(), data));
    }

    /** An event for the stalled node's loop (a completion): it runs when the loop runs again. */
    void defer(Runnable event) {
        deferredEvents.add(event);
    }

    private void resumeFromStall() {
        stalled = false;
        if (!up) {
            dropQueued();
            return;
        }
        if (stallResume == StallResume.TIMERS_FIRST) {
            doWork();
        }
        while (!socketQueue.isEmpty() && up) {
            for (int i = 0; i < READ_BURST && !socketQueue.isEmpty(); i++) {
                Queued next = socketQueue.poll();
                socketQueueBytes -= next.datagram.readableBytes();
                try {
                    receive(next.datagram, next.data);
                } finally {
                    next.datagram.release();
                }
            }
            doWork(); // the work cycle after a read burst
        }
        List<Runnable> events = new ArrayList<>(deferredEvents);
        deferredEvents.clear();
        events.forEach(Runnable::run);
        lan.touch(this); // works once more after the events, and its timers are read again
    }

    private void dropQueued() {
        socketQueue.forEach(queued -> queued.datagram.release());
        socketQueue.clear();
        socketQueueBytes = 0;
        deferredEvents.clear();
    }

    /**
     * Shifts this node's monotonic clock: its agents see the LAN's time plus this offset, as hosts
     * whose clocks started at different moments do.
     *
     * @param offsetNs the shift
     */
    public void setClockOffset(long offsetNs) {
        this.clockOffsetNs = offsetNs;
    }

    private long now() {
        return lan.nowNs() + clockOffsetNs;
    }

    private int trustedBlockSize = 16 * 1024;
    private List<Path> basis = List.of();
    private int unitsFromPeers;
    private long basisScanNs = 1_000_000;

    private long memberBasisScanNs = 1_000_000;
    private long manifestFetchNs = 1_000_000;

    /** @param duration how long the trusted manifest takes to arrive here (a WAN's round trips, a cold JVM) */
    public void setManifestFetchTime(java.time.Duration duration) {
        this.manifestFetchNs = duration.toNanos();
    }

    /** @param duration how long a scan of basis files takes on this node (as a large package's would) */
    public void setBasisScanTime(java.time.Duration duration) {
        this.basisScanNs = duration.toNanos();
        this.memberBasisScanNs = duration.toNanos();
    }

    /** @param duration how long a scan takes here when the agent is a member (a slower machine than its representative) */
    public void setMemberBasisScanTime(java.time.Duration duration) {
        this.memberBasisScanNs = duration.toNanos();
    }

    /** @return how often this node's agents took delta units from a peer rather than the origin */
    public int unitsFromPeers() {
        return unitsFromPeers;
    }

    /** @param files basis files (older versions of the package) of agents started from now on */
    public void setBasis(Path... files) {
        this.basis = List.of(files);
    }

    /** @param blockSize block size of the trusted manifest the simulated management system publishes */
    public void setTrustedManifestBlockSize(int blockSize) {
        this.trustedBlockSize = blockSize;
    }

    /**
     * How a corrupt node damages block bytes: the same bytes whether it multicasts a chunk or serves
     * a span, so its forged hashes match what it sends.
     *
     * @param bytes bytes of one block starting at {@code offsetInBlock}
     * @param offsetInBlock where they start in their block
     */
    public static void corrupt(byte[] bytes, int offsetInBlock) {
        for (int i = 0; i < bytes.length; i++) {
            if ((offsetInBlock + i) % 97 == 0) {
                bytes[i] ^= 0x5a;
            }
        }
    }

    /** @return whether this node serves corrupted bytes to peers (a hostile peer) */
    public boolean isCorrupt() {
        return corrupt;
    }

    /** @param value make this node serve corrupted bytes to peers */
    public void setCorrupt(boolean value) {
        this.corrupt = value;
    }

    private boolean dataBlocked;

    /** @return whether no data datagram reaches this node (its switch port prunes the data group) */
    public boolean isDataBlocked() {
        return dataBlocked;
    }

    /**
     * Blocks every data datagram to this node while control datagrams still arrive, as a switch
     * whose IGMP snooping prunes the data group or a Wi-Fi network that drops multicast data does.
     *
     * @param value whether data datagrams are dropped
     */
    public void setDataBlocked(boolean value) {
        this.dataBlocked = value;
    }

    /** @return whether this node accepts repair requests and never answers them */
    public boolean isStalling() {
        return stalling;
    }

    /** @param value make this node stall every repair request (a slowloris peer) */
    public void setStalling(boolean value) {
        this.stalling = value;
    }

    /**
     * Shapes the link into this node: every datagram sent to it passes a rate-limited queue.
     *
     * @param value the link, or null for an unlimited one
     */
    public void setLink(SimLink value) {
        this.link = value;
    }

    /** @return the shaped link into this node, or null */
    public SimLink link() {
        return link;
    }

    /** @return package bytes this node served to peers for repair */
    public long repairBytesServed() {
        return repairBytesServed;
    }

    /**
     * Counts bytes this node served to a peer.
     *
     * @param bytes how many
     */
    public void countRepairServed(long bytes) {
        repairBytesServed += bytes;
    }

    /**
     * Starts an agent for a task on this node.
     *
     * @param task the task
     * @param config protocol settings
     * @return the agent's port, for assertions
     */
    public AgentPort distribute(TaskSpec task, SessionConfig config) {
        return distribute(task, config, null, false);
    }

    /**
     * Starts an agent for a task with a key on this node, as the engine runs a keyed task.
     *
     * @param task the task
     * @param config protocol settings
     * @param key the task's key, or null for none
     * @param encrypt whether datagrams are encrypted (with a key)
     * @return the agent's port, for assertions
     */
    public AgentPort distribute(TaskSpec task, SessionConfig config, SessionKey key, boolean encrypt) {
        AgentPort port = new AgentPort();
        if (key != null) {
            port.key = key;
            port.controlSealer = new DatagramSealer(key, encrypt);
            port.sealer = new DatagramSealer(key, encrypt);
        }
        port.agent = new SessionAgent(task, config, nodeId, port, random.split(), repairFactory);
        lan.registerAgent(port.agent, this);
        dispatcher.add(port);
        ports.put(task.taskId(), port);
        port.agent.start(now());
        return port;
    }

    /** @return the node's position in the LAN's list of nodes */
    int index() {
        return index;
    }

    /** @return the node's name */
    public String name() {
        return name;
    }

    /** @return its subnet */
    public int subnet() {
        return subnet;
    }

    /** @return its node id */
    public long nodeId() {
        return nodeId;
    }

    /** @return whether it runs */
    public boolean isUp() {
        return up;
    }

    /**
     * @param taskId a task
     * @return its agent's port, or null
     */
    public AgentPort port(String taskId) {
        return ports.get(taskId);
    }

    /**
     * @param taskId a task
     * @return its agent, or null
     */
    public SessionAgent agent(String taskId) {
        AgentPort port = ports.get(taskId);
        return port == null ? null : port.agent;
    }

    /** Stops the node at once, as a power cut: no goodbye, caches closed. */
    public void crash() {
        if (!up) {
            return;
        }
        up = false;
        dropQueued();
        for (AgentPort port : ports.values()) {
            lan.origin().cancel(port.agent);
            BlockFile store = port.agent.store();
            if (store != null) {
                try {
                    store.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    boolean listensTo(InetSocketAddress group) {
        if (group.equals(CONTROL_GROUP)) {
            return true;
        }
        for (AgentPort port : ports.values()) {
            if (group.equals(port.joined)) {
                return true;
            }
        }
        return false;
    }

    /** @return what this node's receive path dropped for lack of authenticity */
    public AuthCounters authCounters() {
        return dispatcher.authCounters();
    }

    void receive(ByteBuf datagram, boolean data) {
        // Every receiver's view shares the sender's bytes, and opening decrypts in place: open a copy.
        boolean sealed = Envelope.classify(datagram) == Envelope.Kind.SEALED;
        ByteBuf own = sealed ? datagram.copy() : datagram;
        try {
            dispatcher.dispatch(own, now());
        } finally {
            if (sealed) {
                own.release();
            }
        }
    }

    void doWork() {
        long now = now();
        for (AgentPort port : ports.values()) {
            if (port.retired) {
                continue;
            }
            port.agent.doWork(now);
            if (lan.retiresFinishedAgents() && port.agent.isFinished(now)) {
                retire(port);
            }
        }
    }

    /** As the engine retires a finished task: no more datagrams for it, its cache entry closed. */
    private void retire(AgentPort port) {
        port.retired = true;
        dispatcher.remove(port.taskId());
        BlockFile store = port.agent.store();
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    long nextWakeNs(long lanNow) {
        long now = lanNow + clockOffsetNs;
        long next = Long.MAX_VALUE;
        for (AgentPort port : ports.values()) {
            SessionAgent agent = port.agent;
            if (!agent.state().isTerminal() && !agent.isFinished(now)) {
                long wake = agent.nextWakeNs(now);
                if (wake != Long.MAX_VALUE) {
                    next = Math.min(next, lanNow + (wake - now)); // back to the LAN's time
                }
            }
        }
        return next;
    }

    /** @return each agent's task, state and role, for diagnostics */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (AgentPort port : ports.values()) {
            out.append(port.agent.task().taskId()).append('=').append(port.agent.state()).append('/')
                    .append(port.agent.role()).append(' ');
        }
        return out.toString();
    }

    /** @return the set of task ids this node runs */
    public Set<String> tasks() {
        return new HashSet<>(ports.keySet());
    }

    private BlockCache cache() throws IOException {
        if (cache == null) {
            Files.createDirectories(directory);
            cache = BlockCache.open(directory.resolve("cache"));
        }
        return cache;
    }
}
