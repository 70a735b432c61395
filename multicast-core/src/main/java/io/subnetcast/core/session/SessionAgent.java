package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.election.Election;
import io.subnetcast.core.election.Leader;
import io.subnetcast.core.election.Rank;
import io.subnetcast.core.election.Succession;
import io.subnetcast.core.peers.HaveAdvertiser;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.BeaconCheck;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.repair.RepairContext;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.send.RepresentativeHost;
import io.subnetcast.core.send.Term;
import io.subnetcast.core.send.TermSettings;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Claim;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Discover;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.Have;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session protocol one agent runs for one task, as a state machine without I/O.
 *
 * <p>Life of an agent: it starts {@link AgentState#DISCOVERING} (asks on the control group whether
 * a session exists), hears a beacon and joins as a member, or hears none and goes
 * {@link AgentState#CLAIMING}. Claims are sent after a random back-off and suppressed when a better
 * claim ({@link Rank}) was heard; at the end of the claim window the best claimant takes the role.
 * The representative fetches the package once ({@link AgentState#FETCHING}) while the start delay
 * runs and beacons the session; after the delay it multicasts ({@link AgentState#SENDING}) the
 * blocks it holds, waiting for the download where it is behind, with a manifest of per-block
 * SHA-256 values ahead of the blocks. Members write what they hear into the block cache; after the
 * pass, a member with gaps asks for retransmission ({@link AgentState#REPAIRING}); a member whose
 * data group delivers nothing while the pass moves on ({@link DataSilenceDetector}) goes there
 * early and completes over unicast, reporting it in {@link SessionProgress#fallback()}. A second
 * representative (two claims in the same instant, a healed partition) steps down when it hears a
 * beacon of a higher (epoch, priority, node id); members follow the better one.
 *
 * <p>Parts: the election runs in {@link Election} and {@link Succession}, a term as representative
 * in {@link Representative} (whose phases show here as FETCHING, SENDING, COMPLETE and PAUSED), the
 * member's duties in {@link Member}, repair in {@link RepairPlanner}. This class checks what
 * arrives, decides whom to follow, keeps what the roles share (the session's identity, the cache
 * entry, the local pause), publishes, and owns the public state.
 *
 * <p>Every method takes the current monotonic time and must be called from one thread. Nothing
 * here blocks, sleeps or reads a clock; all effects go through the {@link SessionPort}.
 */
public final class SessionAgent implements DatagramSink {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAgent.class);
    private static final long MS = 1_000_000L;
    private static final int MAX_NAK_RANGES = RepairPlanner.MAX_NAK_RANGES;

    private final TaskSpec task;
    private final SessionConfig config;
    private final long nodeId;
    private final SessionPort port;
    private final RandomGenerator random;

    private AgentState state = AgentState.DISCOVERING;
    private AgentState stateBeforePause;
    private Role role = Role.UNDECIDED;
    private long stateSinceNs;
    private String failure;

    // The session this agent belongs to (as representative or member).
    private long sessionId;
    private int epoch;
    private long leaderNodeId;
    private int leaderPriority;
    private InetSocketAddress dataGroup;

    // The package.
    private BlockFile store;
    private ChunkTracker tracker;
    private int chunkSize;
    private boolean publishRequested;
    private boolean published;
    private Path publishedPath;

    private final AgentParts parts = new AgentParts();
    private final Election election;
    private final Succession succession;

    // This agent's term as representative; null unless it is one.
    private Representative term;
    private boolean fetching;

    // This agent as a member of the session it follows.
    private final Member member;

    // What peers hold, and completing from them.
    private PeerDirectory directory;
    private long nextHaveNs;
    private final HaveAdvertiser advertiser = new HaveAdvertiser();
    private final RepairPlanner planner;
    private boolean awaitingManifest;
    private boolean recoveringFromOrigin;
    private TrustedManifest trusted;

    private long lingerUntilNs;
    private long nowNsOfLastEvent;
    private long bytesFromOrigin;
    private long invalidDatagrams;
    private long retransmitRequestsRefused;
    private long staleDatagrams;

    /**
     * @param task what to distribute
     * @param config protocol settings
     * @param nodeId this engine's node id, random per start
     * @param port where effects go
     * @param random source of back-off jitter and session ids; seeded in simulations
     */
    public SessionAgent(TaskSpec task, SessionConfig config, long nodeId, SessionPort port, RandomGenerator random) {
        this(task, config, nodeId, port, random, null);
    }

    /**
     * @param task what to distribute
     * @param config protocol settings
     * @param nodeId this engine's node id, random per start
     * @param port where effects go
     * @param random source of back-off jitter and session ids; seeded in simulations
     * @param repairFactory completes gaps after the pass (peer repair), or null to rely on
     *     retransmission by the representative alone
     */
    public SessionAgent(TaskSpec task, SessionConfig config, long nodeId, SessionPort port, RandomGenerator random,
                        GapRepairFactory repairFactory) {
        this.task = task;
        this.config = config;
        this.nodeId = nodeId;
        this.port = port;
        this.random = random;
        this.planner = new RepairPlanner(task.taskId(), repairFactory, parts, port::peerTransfer,
                nak -> port.sendControl(control().setNak(nak.setSessionId(sessionId)).build()), random,
                config.nakInterval(), config.repairDelay());
        this.member = new Member(task.taskId(), config, parts, planner);
        this.election = new Election(task.taskId(), config.discoveryTimeout().toNanos(), config.claimJitter().toNanos(),
                config.claimWindow().toNanos(), random, new ElectionEvents());
        this.succession = new Succession(config.claimWindow().toNanos() + config.claimJitter().toNanos(),
                config.representativeTimeout().toNanos());
    }

    // ---------------------------------------------------------------- events

    /**
     * Starts the agent: asks whether a session exists.
     *
     * @param nowNs current time
     */
    public void start(long nowNs) {
        stateSinceNs = nowNs;
        if (task.manifest() != null) {
            // Nothing is received, fetched or served before every block's hash is trusted.
            awaitingManifest = true;
            transition(AgentState.DISCOVERING, nowNs, "fetching the trusted manifest");
            port.fetchTrustedManifest(task);
            return;
        }
        enterDiscovering(nowNs, "task started");
    }

    /**
     * The task's trusted manifest arrived and matched the task's hash for it.
     *
     * @param manifest the manifest
     * @param nowNs current time
     */
    public void onTrustedManifest(TrustedManifest manifest, long nowNs) {
        if (!awaitingManifest || state.isTerminal()) {
            return;
        }
        awaitingManifest = false;
        trusted = manifest;
        enterDiscovering(nowNs, "trusted manifest of " + manifest.layout() + " in hand");
    }

    /**
     * Handles a decoded control message of this task.
     *
     * @param message the message; its task id is this agent's
     * @param nowNs current time
     */
    @Override
    public void onControl(Control message, long nowNs) {
        if (message.getNodeId() == nodeId || state.isTerminal() || awaitingManifest || recoveringFromOrigin) {
            return; // our own datagram looped back, we are done, or we cannot check blocks yet
        }
        switch (message.getBodyCase()) {
            case DISCOVER -> onDiscover(nowNs);
            case CLAIM -> onClaim(message, message.getClaim(), nowNs);
            case BEACON -> onBeacon(message, message.getBeacon(), nowNs);
            case MANIFEST -> onManifest(message, message.getManifest());
            case STATUS -> onStatus(message, message.getStatus(), nowNs);
            case NAK -> {
                nowNsOfLastEvent = nowNs;
                onNak(message.getNodeId(), message.getNak());
            }
            case END -> onEnd(message, message.getEnd(), nowNs);
            case HAVE -> onHave(message, message.getHave(), nowNs);
            default -> invalidDatagrams++;
        }
    }

    /**
     * Handles a data datagram addressed to this agent's session.
     *
     * @param frame the datagram, read in place; valid during the call only
     * @param nowNs current time
     */
    @Override
    public void onData(DataFrame frame, long nowNs) {
        if (!frame.isWellFormed()) {
            invalidDatagrams++;
            return;
        }
        if (role != Role.MEMBER || tracker == null || frame.sessionId() != sessionId) {
            staleDatagrams++;
            return;
        }
        if (Integer.compareUnsigned(frame.epoch(), epoch) < 0) {
            staleDatagrams++; // a deposed representative's packets
            return;
        }
        member.onData(frame, nowNs);
    }

    /**
     * Representative: the origin answered the probe.
     *
     * @param length package length in bytes
     * @param validator the origin's ETag or Last-Modified, empty if none
     * @param nowNs current time
     */
    public void onPackageInfo(long length, String validator, long nowNs) {
        if (role != Role.REPRESENTATIVE || state.isTerminal()) {
            return;
        }
        String identity = task.contentIdentityOrNull();
        if (identity == null) {
            identity = "origin:" + length + ":" + validator;
        }
        int blockSize = config.blockSize();
        if (trusted != null) {
            if (trusted.layout().length() != length) {
                fail(nowNs, "the origin " + task.origin() + " serves " + length + " bytes but the trusted manifest"
                        + " describes " + trusted.layout().length());
                return;
            }
            blockSize = trusted.layout().blockSize();
        }
        if (!openStore(length, blockSize, identity, nowNs)) {
            return;
        }
        startTermPass(nowNs);
    }

    /**
     * Representative: the fetch committed a block.
     *
     * @param index the block
     * @param nowNs current time
     */
    public void onBlockFetched(int index, long nowNs) {
        if (store != null && store.layout().isValidIndex(index)) {
            bytesFromOrigin += store.layout().lengthOf(index);
            if (store.isComplete()) {
                fetching = false;
                requestPublish();
            }
        }
    }

    /**
     * Representative: the fetch failed for good.
     *
     * @param reason a one-line reason naming the URL
     * @param nowNs current time
     */
    public void onFetchFailed(String reason, long nowNs) {
        fetching = false;
        fail(nowNs, reason);
    }

    /**
     * The package was verified and placed.
     *
     * @param path where it is
     * @param nowNs current time
     */
    public void onPublished(Path path, long nowNs) {
        published = true;
        stopRepair(nowNs, "package in place");
        publishedPath = path;
        lingerUntilNs = nowNs + config.linger().toNanos();
        if (role == Role.MEMBER) {
            member.sendStatus(nowNs);
            if (store != null && sessionId != 0) {
                sendHave(nowNs);
            }
        }
        if (term != null) {
            term.onPublished("package verified and placed at " + path, nowNs);
        } else {
            transition(AgentState.COMPLETE, nowNs, "package verified and placed at " + path);
        }
    }

    /**
     * The assembled package did not match the task's SHA-256 and was discarded: some source sent
     * wrong bytes that the provisional per-block hashes could not catch. A member then leaves the
     * session and fetches the package from the origin itself, once; a representative (whose bytes
     * came from the origin) or a second mismatch fails the task.
     *
     * @param reason one-line reason
     * @param nowNs current time
     */
    public void onPublishMismatch(String reason, long nowNs) {
        if (term != null && sessionId != 0) {
            term.sendFailedEnd();
        }
        if (role != Role.MEMBER || recoveringFromOrigin || store == null) {
            fail(nowNs, reason);
            return;
        }
        LOG.warn("task {}: {}; fetching the package from the origin instead", task.taskId(), reason);
        publishRequested = false;
        recoverFromOrigin(nowNs, "recovering from the origin after a SHA-256 mismatch");
    }

    /** Leaves the session and downloads every missing block from the origin, once. */
    private void recoverFromOrigin(long nowNs, String reason) {
        recoveringFromOrigin = true;
        leaveSession(nowNs);
        transition(AgentState.REPAIRING, nowNs, reason);
        fetching = true;
        port.fetchMissing(task, store, block -> true);
    }

    /**
     * Publishing failed (the package's SHA-256 did not match, or the destination is unwritable).
     *
     * @param reason one-line reason
     * @param nowNs current time
     */
    public void onPublishFailed(String reason, long nowNs) {
        fail(nowNs, reason);
    }

    /**
     * The transport failed for this task (for instance the data group cannot be joined on the
     * interface): the task fails with the reason.
     *
     * @param reason one-line reason
     * @param nowNs current time
     */
    @Override
    public void onTransportFailure(String reason, long nowNs) {
        fail(nowNs, reason);
    }

    /**
     * Pauses the agent. On the representative this pauses the whole session: beacons say paused,
     * no data is sent, the start delay stops counting; members wait without failing.
     *
     * @param nowNs current time
     */
    public void pause(long nowNs) {
        if (state == AgentState.PAUSED || state.isTerminal() || state == AgentState.COMPLETE) {
            return;
        }
        stateBeforePause = state;
        if (term != null) {
            term.pause(nowNs); // the whole session pauses; the term's phase shows as PAUSED
            return;
        }
        if (role == Role.MEMBER) {
            member.pause();
        }
        transition(AgentState.PAUSED, nowNs, "paused locally");
    }

    /**
     * Resumes where {@link #pause} stopped.
     *
     * @param nowNs current time
     */
    public void resume(long nowNs) {
        if (state != AgentState.PAUSED || stateBeforePause == null) {
            return;
        }
        AgentState back = stateBeforePause;
        stateBeforePause = null;
        if (term != null) {
            term.resume(nowNs);
            return;
        }
        if (role == Role.UNDECIDED && back != AgentState.DISCOVERING && back != AgentState.CLAIMING) {
            enterDiscovering(nowNs, "resumed locally; the session it was in is gone");
            return;
        }
        if (role == Role.MEMBER && (back == AgentState.DISCOVERING || back == AgentState.CLAIMING)) {
            // It followed a session while paused: resume as the member it became; beacons set the phase.
            back = published ? AgentState.COMPLETE : AgentState.WAITING;
        }
        if (role == Role.MEMBER) {
            member.rejoin();
        }
        if (back == AgentState.REPAIRING) {
            member.planRepair(nowNs);
        }
        transition(back, nowNs, "resumed locally");
    }

    /**
     * Cancels the task on this agent. Members of a cancelled representative elect a successor.
     *
     * @param nowNs current time
     */
    public void cancel(long nowNs) {
        if (state.isTerminal()) {
            return;
        }
        stopActivity(nowNs);
        transition(AgentState.CANCELLED, nowNs, "cancelled");
    }

    /**
     * Runs timers and the send loop.
     *
     * @param nowNs current time
     */
    public void doWork(long nowNs) {
        if (awaitingManifest) {
            return;
        }
        if (!state.isTerminal() && sessionId != 0 && store != null && nowNs - nextHaveNs >= 0) {
            sendHave(nowNs);
        }
        if (term != null && !state.isTerminal()) {
            term.doWork(nowNs);
            return;
        }
        switch (state) {
            case DISCOVERING, CLAIMING -> election.doWork(nowNs, myRank());
            case WAITING, RECEIVING, REPAIRING -> member.onWork(nowNs);
            case PAUSED -> {
                if (role == Role.MEMBER) {
                    member.onPausedWork(nowNs);
                }
            }
            case COMPLETE -> member.onCompleteWork(nowNs);
            case FAILED, CANCELLED -> {
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /**
     * @param nowNs current time
     * @return when {@link #doWork} next has something to do; callers may call it earlier
     */
    public long nextWakeNs(long nowNs) {
        if (awaitingManifest) {
            return Long.MAX_VALUE;
        }
        long protocolWake = protocolWakeNs(nowNs);
        if (!state.isTerminal() && sessionId != 0 && store != null) {
            return Math.min(protocolWake, nextHaveNs);
        }
        return protocolWake;
    }

    /** The end of the linger is an event once; after it the owner removes the finished agent. */
    private long lingerWakeNs(long nowNs) {
        return lingerUntilNs - nowNs > 0 ? lingerUntilNs : Long.MAX_VALUE;
    }

    private long protocolWakeNs(long nowNs) {
        if (term != null && !state.isTerminal()) {
            return term.nextWakeNs(nowNs, lingerWakeNs(nowNs));
        }
        return switch (state) {
            case DISCOVERING, CLAIMING -> election.nextWakeNs();
            case FETCHING, SENDING -> Long.MAX_VALUE; // only a representative's term fetches or sends
            case COMPLETE, WAITING, RECEIVING, REPAIRING -> member.nextWakeNs(state, nowNs, lingerWakeNs(nowNs));
            case PAUSED -> nowNs + config.beaconInterval().toNanos();
            case FAILED, CANCELLED -> Long.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- queries

    /** @return the current state */
    public AgentState state() {
        return state;
    }

    /** @return the current role */
    public Role role() {
        return role;
    }

    /** @return the reason of a failure, or null */
    public String failure() {
        return failure;
    }

    /** @return this agent's node id */
    public long nodeId() {
        return nodeId;
    }

    /** @return the task */
    public TaskSpec task() {
        return task;
    }

    /** @return the session this agent belongs to, 0 before any */
    @Override
    public long sessionId() {
        return sessionId;
    }

    /** @return the epoch of the representative this agent follows (or is) */
    public int epoch() {
        return epoch;
    }

    /** @return the node id of the representative this agent follows (its own when representative) */
    public long leaderNodeId() {
        return leaderNodeId;
    }

    /** @return the group the session's data goes to, or null before a session */
    public InetSocketAddress dataGroup() {
        return dataGroup;
    }

    /** @return the cache entry, or null while the package layout is unknown */
    public BlockFile store() {
        return store;
    }

    /** @return where the package was placed, or null */
    public Path publishedPath() {
        return publishedPath;
    }

    /** @return NAKs (or the rest of one) refused because their sender used up its retransmission budget */
    public long retransmitRequestsRefused() {
        return retransmitRequestsRefused;
    }

    /**
     * @return the representative's rate adaptation, for observation (read it on the agent's
     *     thread); null on a member or when the rate is fixed
     */
    public RateController rateController() {
        return term == null ? null : term.rateController();
    }

    /** @return the representative's current send rate in bit/s, 0 when it is not a representative */
    public long sendRateBitsPerSecond() {
        return term == null ? 0 : term.rateBitsPerSecond();
    }

    /** @return datagrams dropped as malformed or out of range */
    public long invalidDatagrams() {
        return invalidDatagrams + member.invalidDatagrams();
    }

    /** @return data datagrams dropped because they belong to another session or an older epoch */
    public long staleDatagrams() {
        return staleDatagrams;
    }

    /**
     * @param nowNs current time
     * @return whether the agent is done: terminal, or complete and no longer needed by its session
     */
    public boolean isFinished(long nowNs) {
        if (state.isTerminal()) {
            return true;
        }
        if (state != AgentState.COMPLETE) {
            return false;
        }
        if (term != null) {
            return term.isDone(nowNs, lingerUntilNs);
        }
        return nowNs - lingerUntilNs >= 0
                || (member.sessionEnded() && member.membersKnown() > 0 && member.membersComplete() >= member.membersKnown());
    }

    /**
     * @param nowNs current time
     * @return a snapshot for progress reporting
     */
    public SessionProgress progress(long nowNs) {
        long remainingMs = term != null ? term.startDelayRemainingMs(nowNs) : member.startDelayRemainingMs();
        int known = term != null ? term.membersKnown() : member.membersKnown();
        int complete = term != null ? term.membersComplete() : member.membersComplete();
        long peerBytes = planner.bytesFromPeers();
        long originRepairBytes = planner.bytesFromOrigin();
        return new SessionProgress(task.taskId(), state, role, store == null ? 0 : store.bytesHeld(),
                store == null ? -1 : store.layout().length(), known, complete, remainingMs, epoch,
                bytesFromOrigin + originRepairBytes, member.bytesFromMulticast(), member.bytesFromRepair() + peerBytes,
                member.fallback(),
                term == null ? 0 : term.passBytes());
    }

    // ---------------------------------------------------------------- election

    private void enterDiscovering(long nowNs, String reason) {
        role = Role.UNDECIDED;
        election.discover(nowNs, reason);
    }

    private Rank myRank() {
        return new Rank(task.priority(), store == null ? 0 : store.bytesHeld(), nodeId);
    }

    private void onClaim(Control message, Claim claim, long nowNs) {
        succession.onClaim(message.getNodeId(), message.getEpoch(), nowNs);
        election.onClaim(new Rank(claim.getPriority(), claim.getBytesHeld(), message.getNodeId()), nowNs);
        if (term != null) {
            term.sendUnsolicitedBeacon(nowNs);
        }
    }

    private void onDiscover(long nowNs) {
        if (term != null) {
            term.sendUnsolicitedBeacon(nowNs);
        }
    }

    /** Carries out what the election asks; its states show as the agent's DISCOVERING and CLAIMING. */
    private final class ElectionEvents implements Election.Listener {
        @Override
        public void sendDiscover() {
            port.sendControl(control().setDiscover(Discover.getDefaultInstance()).build());
        }

        @Override
        public void sendClaim(Rank mine) {
            port.sendControl(control().setClaim(Claim.newBuilder()
                    .setPriority(task.priority()).setBytesHeld(mine.bytesHeld())).build());
        }

        @Override
        public void entered(Election.State next, String reason, long nowNs) {
            transition(next == Election.State.CLAIMING ? AgentState.CLAIMING : AgentState.DISCOVERING, nowNs, reason);
        }

        @Override
        public void elected(long nowNs) {
            becomeRepresentative(nowNs);
        }
    }

    private void becomeRepresentative(long nowNs) {
        role = Role.REPRESENTATIVE;
        epoch = succession.startOwnTerm(nowNs);
        sessionId = random.nextLong();
        leaderNodeId = nodeId;
        leaderPriority = task.priority();
        dataGroup = config.dataGroupFor(sessionId);
        term = new Representative(new Term(task.taskId(), nodeId, task.priority(), task.sha256(), sessionId, epoch, dataGroup),
                new TermSettings(config.beaconInterval().toNanos(), config.memberTimeout().toNanos(), config.mtu(),
                        config.rateBitsPerSecond(), config.adaptiveRate(), config.nakInterval().toNanos(),
                        config.nakThreshold(), config.maxMembers()),
                nowNs + startDelayForNewTerm(nowNs), parts, planner);
        member.onBecameRepresentative();
        transition(AgentState.FETCHING, nowNs, "elected representative, epoch " + epoch);
        term.sendBeacon(nowNs);
        if (store == null) {
            fetching = true;
            port.probeOrigin(task);
        } else {
            startTermPass(nowNs);
        }
    }

    /**
     * A first representative waits the configured start delay so that others can join. A successor
     * (its members were already in a session) keeps what was left of the old session's delay, and
     * at least one beacon interval, so that the members' advertisements of what they hold arrive
     * before its pass decides what to send.
     */
    private long startDelayForNewTerm(long nowNs) {
        return succession.startDelayForNewTerm(config.startDelay().toNanos(), config.beaconInterval().toNanos(),
                member.startDelayRemainingMs() * MS, nowNs - member.lastBeaconNs());
    }

    /** The layout is known: the term plans its pass and fetches what it lacks, or publishes. */
    private void startTermPass(long nowNs) {
        chunkSize = config.chunkSize() - port.datagramOverhead();
        fetching = false; // the probe's; the term starts the download it needs
        term.startFetchOrPublish(chunkSize, nowNs);
    }

    private void stepDown(long nowNs, String reason) {
        LOG.info("task {}: representative (epoch {}) steps down: {}", task.taskId(), epoch, reason);
        if (fetching) {
            port.cancelFetch();
            fetching = false;
        }
        term = null;
        role = Role.MEMBER;
        if (state == AgentState.PAUSED) {
            // Paused locally as representative: resume as the member it now is.
            stateBeforePause = published ? AgentState.COMPLETE : AgentState.WAITING;
        } else {
            // No moment as a member that fetches or sends: the phase of the session followed next decides.
            transition(published ? AgentState.COMPLETE : AgentState.WAITING, nowNs, "stepped down: " + reason);
        }
    }

    // ---------------------------------------------------------------- beacons and sessions

    /**
     * A beacon: follow it, keep leading, or ignore it. Everything a beacon says is checked before
     * anything changes, so a beacon that cannot be followed changes nothing. Without a session key
     * anyone on the LAN can send one; to make a takeover harder than one datagram, an agent that
     * has a live representative (or is one) hands over only to a rival it has evidence of: the
     * rival's claim in the election that just made it representative (and then an epoch at most one
     * above the highest seen), or its beacons heard without a gap for the representative timeout (a
     * healed partition). See {@link RivalEvidence}.
     */
    private void onBeacon(Control message, Beacon beacon, long nowNs) {
        int otherEpoch = message.getEpoch();
        long otherNode = message.getNodeId();
        Leader rival = new Leader(otherEpoch, beacon.getPriority(), otherNode);
        boolean contested;
        if (term != null) {
            if (new Leader(epoch, task.priority(), nodeId).beats(rival)) {
                term.sendUnsolicitedBeacon(nowNs); // the other one will step down when it hears us
                return;
            }
            contested = true;
        } else if (role == Role.MEMBER && otherNode != leaderNodeId && sessionId != 0) {
            boolean leaderAlive = nowNs - member.lastBeaconNs() < config.representativeTimeout().toNanos();
            if (leaderAlive && new Leader(epoch, leaderPriority, leaderNodeId).beats(rival)) {
                return; // a weaker representative that will step down
            }
            contested = leaderAlive;
        } else {
            contested = false;
        }
        InetSocketAddress group = BeaconCheck.followableDataGroup(beacon, trusted == null ? null : trusted.layout(),
                task.contentIdentityOrNull());
        if (group == null) {
            invalidDatagrams++; // a beacon we could not follow is no reason to stop leading or following
            return;
        }
        if (contested && !succession.justifiesHandover(otherNode, otherEpoch, epoch, nowNs)) {
            if (term != null) {
                term.sendUnsolicitedBeacon(nowNs); // a real rival hears us, and its beacons go on if it is better
            }
            return;
        }
        if (term != null) {
            stepDown(nowNs, "heard representative " + Long.toHexString(otherNode) + " of epoch " + otherEpoch);
        }
        follow(message, beacon, group, nowNs);
    }

    private void follow(Control message, Beacon beacon, InetSocketAddress group, long nowNs) {
        election.stop(nowNs, "found a session");
        boolean newSession = role != Role.MEMBER || beacon.getSessionId() != sessionId;
        role = Role.MEMBER;
        if (state == AgentState.DISCOVERING || state == AgentState.CLAIMING) {
            // A member from this moment on; the session's phase, applied below, moves it on from here.
            transition(published ? AgentState.COMPLETE : AgentState.WAITING, nowNs, "joined session of "
                    + Long.toHexString(message.getNodeId()));
        }
        sessionId = beacon.getSessionId();
        epoch = message.getEpoch();
        succession.onFollowed(epoch, newSession, nowNs);
        leaderNodeId = message.getNodeId();
        leaderPriority = beacon.getPriority();
        member.onBeaconHeard(beacon, newSession, nowNs);
        if (newSession) {
            dataGroup = group;
            LOG.debug("task {}: following session {} of {} (epoch {})", task.taskId(),
                    Long.toHexString(sessionId), Long.toHexString(leaderNodeId), epoch);
        }
        if (beacon.getBlockSize() != 0 && (tracker == null || newSession)) {
            if (!openStore(beacon.getPackageLength(), beacon.getBlockSize(), beacon.getContentIdentity(), nowNs)) {
                return;
            }
            chunkSize = beacon.getChunkSize();
            // A successor's session of the same content keeps the chunks received from its predecessor:
            // under loss they are most of every block sent, though few blocks are whole.
            if (tracker == null || tracker.chunkSize() != chunkSize) {
                tracker = new ChunkTracker(store.layout(), chunkSize);
            }
        }
        member.onBeaconFollowed(beacon, newSession, nowNs);
    }

    private void onEnd(Control message, End end, long nowNs) {
        if (role == Role.MEMBER && end.getSessionId() == sessionId && message.getNodeId() == leaderNodeId) {
            member.onEnd(end, nowNs);
        }
    }

    private void onManifest(Control message, Manifest manifest) {
        if (role != Role.MEMBER || store == null || published || trusted != null || manifest.getSessionId() != sessionId) {
            return;
        }
        member.onManifest(message.getNodeId(), message.getEpoch(), manifest);
    }

    private void onStatus(Control message, Status status, long nowNs) {
        if (term != null) {
            term.onStatus(message.getNodeId(), status, nowNs);
        }
    }

    private void onNak(long source, Nak nak) {
        if (nak.getSessionId() != sessionId) {
            return;
        }
        int ranges = Math.min(nak.getRangesCount(), MAX_NAK_RANGES);
        if (role == Role.MEMBER) {
            // Suppression: a block another member already asked for is not asked for again.
            planner.suppress(nak, ranges);
            return;
        }
        if (term != null && !term.onNak(source, nak, ranges, nowNsOfLastEvent)) {
            retransmitRequestsRefused++;
        }
    }

    private void onHave(Control message, Have have, long nowNs) {
        if (directory == null || have.getSessionId() != sessionId || have.getRepairUrl().length() > 2048
                || have.getHeld().size() > ControlCodec.MAX_CONTROL_BYTES) {
            return;
        }
        if (!directory.update(message.getNodeId(), BeaconCheck.blockServerUrl(have.getRepairUrl()), have.getComplete(),
                have.getFirstBlock(), have.getHeld().toByteArray(), nowNs)) {
            invalidDatagrams++;
        }
    }

    private void sendHave(long nowNs) {
        nextHaveNs = nowNs + config.haveInterval().toNanos();
        if (directory != null) {
            // Peers that left, and ids a stranger made up, stop counting as members that lack blocks.
            directory.expire(nowNs - config.memberTimeout().toNanos());
        }
        port.sendControl(control().setHave(advertiser.next(store, sessionId, blockServerUrl())).build());
    }

    private String blockServerUrl() {
        URI url = port.blockServerUrl(task.taskId());
        return url == null ? "" : url.toString();
    }

    /**
     * What repair and the representative's term read of this agent (its store, chunks and peers),
     * and where the term's effects go.
     */
    private final class AgentParts implements RepairContext, RepresentativeHost, MemberHost {
        @Override
        public TaskSpec task() {
            return task;
        }

        @Override
        public BlockFile store() {
            return store;
        }

        @Override
        public ChunkTracker tracker() {
            return tracker;
        }

        @Override
        public PeerDirectory peers() {
            return directory;
        }

        @Override
        public long selfNodeId() {
            return nodeId;
        }

        @Override
        public URI representativeUrl() {
            return member.representativeUrl();
        }

        @Override
        public boolean originAllowed(int block, long nowNs) {
            if (term != null) {
                return term.originAllowed(block); // the rest is its download's
            }
            // Silence for the member timeout (10 s), not the representative timeout (2 s): a member in
            // repair elects no successor, and a representative on a loaded host (or a member whose own
            // thread was starved) may miss a few beacons without being gone.
            return !(role == Role.MEMBER && sessionId != 0 && nowNs - member.lastBeaconNs() < config.memberTimeout().toNanos());
        }

        @Override
        public long representativeNodeId() {
            return role == Role.MEMBER ? leaderNodeId : 0;
        }

        @Override
        public boolean published() {
            return published;
        }

        @Override
        public String blockServerUrl() {
            return SessionAgent.this.blockServerUrl();
        }

        @Override
        public void sendControl(Control message) {
            port.sendControl(message);
        }

        @Override
        public boolean sendChunk(BlockFile chunkStore, long session, int termEpoch, int block, int offsetInBlock,
                                 int length, int sequence, int flags) {
            return port.sendChunk(chunkStore, session, termEpoch, block, offsetInBlock, length, sequence, flags);
        }

        @Override
        public void fetchMissing(IntPredicate wanted) {
            fetching = true;
            port.fetchMissing(task, store, wanted);
        }

        @Override
        public void requestPublish() {
            SessionAgent.this.requestPublish();
        }

        @Override
        public void lingerFrom(long nowNs) {
            lingerUntilNs = nowNs + config.linger().toNanos();
        }

        @Override
        public void extendLinger(long nowNs) {
            lingerUntilNs = Math.max(lingerUntilNs, nowNs + config.linger().toNanos());
        }

        @Override
        public AgentState state() {
            return state;
        }

        @Override
        public void transition(AgentState next, long nowNs, String reason) {
            SessionAgent.this.transition(next, nowNs, reason);
        }

        @Override
        public boolean locallyPaused() {
            return state == AgentState.PAUSED && stateBeforePause != null;
        }

        @Override
        public void resumeInto(AgentState back) {
            stateBeforePause = back;
        }

        @Override
        public long sessionId() {
            return sessionId;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public long leaderNodeId() {
            return leaderNodeId;
        }

        @Override
        public InetSocketAddress dataGroup() {
            return dataGroup;
        }

        @Override
        public boolean recoveringFromOrigin() {
            return recoveringFromOrigin;
        }

        @Override
        public void joinDataGroup() {
            port.joinDataGroup(dataGroup);
        }

        @Override
        public void leaveDataGroup() {
            port.leaveDataGroup();
        }

        @Override
        public void sendStatus(Status.Builder status) {
            port.sendControl(control().setStatus(status).build());
        }

        @Override
        public void sendHave(long nowNs) {
            SessionAgent.this.sendHave(nowNs);
        }

        @Override
        public void fail(long nowNs, String reason) {
            SessionAgent.this.fail(nowNs, reason);
        }

        @Override
        public void recoverFromOrigin(long nowNs, String reason) {
            SessionAgent.this.recoverFromOrigin(nowNs, reason);
        }

        @Override
        public void representativeLost(long nowNs) {
            String lost = Long.toHexString(leaderNodeId);
            if (directory != null) {
                directory.remove(leaderNodeId); // its adverts would make a successor wait for blocks from the dead
            }
            leaveSession(nowNs);
            // Everyone here knew the session: there is nothing to discover, elect a successor now.
            role = Role.UNDECIDED;
            election.claim(nowNs, "representative " + lost + " went silent");
        }

        @Override
        public void sessionLostWhilePaused(long nowNs) {
            leaveSession(nowNs);
            enterDiscovering(nowNs, "representative went silent while paused");
        }

        @Override
        public void phaseChanged(Representative.Phase next, long nowNs, String reason) {
            transition(switch (next) {
                case STARTING -> AgentState.FETCHING;
                case SENDING -> AgentState.SENDING;
                case SERVING -> AgentState.COMPLETE;
                case PAUSED -> AgentState.PAUSED;
            }, nowNs, reason);
        }
    }

    // ---------------------------------------------------------------- shared

    private boolean openStore(long length, int blockSize, String identity, long nowNs) {
        if (store != null && store.layout().length() == length && store.layout().blockSize() == blockSize
                && store.identity().equals(identity)) {
            return true;
        }
        try {
            if (store != null) {
                store.close();
                // Everything sized to or bound to the old entry's layout goes with it.
                stopRepair(nowNs, "cache entry replaced");
                if (term != null) {
                    term.onStoreReplaced();
                }
            }
            tracker = null; // its chunks belong to the entry closed here
            store = port.openStore(task.taskId(), length, blockSize, identity);
            directory = new PeerDirectory(store.layout().blockCount(), config.maxMembers());
            if (trusted != null) {
                trusted.applyTo(store); // cached blocks that disagree are dropped here
            }
            return true;
        } catch (IOException | RuntimeException e) {
            store = null;
            fail(nowNs, "cannot open the cache for task '" + task.taskId() + "': " + e.getMessage());
            return false;
        }
    }

    private void requestPublish() {
        if (!publishRequested) {
            publishRequested = true;
            if (fetching) {
                port.cancelFetch(); // peers completed what the download was still fetching
                fetching = false;
            }
            port.publish(task, store);
        }
    }

    private void leaveSession(long nowNs) {
        stopRepair(nowNs, "left the session");
        member.leave();
        sessionId = 0;
        // The chunk tracker stays with the cache entry: a successor's session of the same content
        // goes on from the chunks received so far (openStore drops it with the entry).
    }

    private void stopRepair(long nowNs, String why) {
        planner.stop(nowNs, why);
    }

    private void stopActivity(long nowNs) {
        stopRepair(nowNs, "stopped");
        if (fetching) {
            port.cancelFetch();
            fetching = false;
        }
        member.leaveDataGroup();
    }

    private void fail(long nowNs, String reason) {
        if (state.isTerminal()) {
            return;
        }
        failure = reason;
        stopActivity(nowNs);
        transition(AgentState.FAILED, nowNs, reason);
    }

    private Control.Builder control() {
        return Control.newBuilder().setTaskId(task.taskId()).setNodeId(nodeId).setEpoch(epoch);
    }

    private void transition(AgentState next, long nowNs, String reason) {
        if (next == state && nowNs != stateSinceNs) {
            return;
        }
        LOG.debug("task {}: {} -> {} ({}) as {}", task.taskId(), state, next, reason, role);
        state = next;
        stateSinceNs = nowNs;
        port.stateChanged(next, role, reason);
    }
}
