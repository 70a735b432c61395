package io.subnetcast.core.session;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.congestion.HostDrops;
import io.subnetcast.core.congestion.LossMeter;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.receive.BeaconCheck;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.receive.ParityRecovery;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.LogSafe;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.SessionPhase;
import io.subnetcast.core.wire.proto.Status;
import java.io.IOException;
import java.net.URI;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent as a member of the session it follows: it joins the session's data group, writes
 * what it hears into the block cache, follows the session's phases from the representative's
 * beacons and End, reports its status and loss, takes the representative's manifest, goes to
 * repair after the pass, and falls back to unicast when the data group delivers nothing. When the
 * representative goes silent it hands the agent back to the election.
 *
 * <p>The agent keeps what both roles share (the session's identity, the cache entry, the local
 * pause) and its public state: the member moves it through {@link MemberHost#transition} among
 * {@link AgentState#WAITING}, {@link AgentState#RECEIVING}, {@link AgentState#REPAIRING} and
 * {@link AgentState#COMPLETE}, and {@link AgentState#PAUSED} when the representative pauses the
 * session. One instance lives as long as the agent: what it learnt of the session survives a
 * change of role (a successor's start delay is what was left of its predecessor's).
 */
final class Member {
    private static final Logger LOG = LoggerFactory.getLogger(Member.class);
    private static final long MS = 1_000_000L;
    /** Report intervals after a window that lost datagrams on the way during which no repair runs beside the pass. */
    static final int PATH_LOSS_HOLD_INTERVALS = 10;
    private final String taskId;
    private final SessionConfig config;
    private final MemberHost host;
    private final RepairPlanner planner;
    private final LossMeter lossMeter = new LossMeter();
    private final DataSilenceDetector silence;

    private long lastBeaconNs;
    private URI representativeUrl;
    private int membersKnown;
    // The session's size as this member judges it (host.agentsHeard), taken at each beacon: it
    // spaces the loss reports. The beacon's count alone is low while a crowd's first reports are
    // still spread over an interval (1,000 members, 64 MiB: 874 loss reports a second).
    private int sessionSize;
    private int membersComplete;
    private long startDelayRemainingMs;
    private boolean sessionEnded;
    private long nextStatusNs;
    // When this member last sent a status in the session followed, and whether the one due next is
    // a periodic one (not news or a first report, which a larger count must not push back).
    private long lastStatusNs;
    private boolean periodicNext;
    // The status due next is a first report spread over an interval: the one after it follows by
    // exactly one interval, so that the crowd's second reports keep the spread of the first.
    private boolean spreadFirstNext;
    private boolean joinedData;
    private String fallback;
    private long bytesFromMulticast;
    private long bytesFromRepair;
    private long invalidDatagrams;
    // The socket's drop count at the last loss window, -1 before the first or when unknown; drops not yet matched by gaps.
    private final HostDrops hostDrops = new HostDrops();
    // Parity chunks of the blocks this member lacks, for the tracker (and cache entry) they were kept for.
    private ParityRecovery parity;
    private ChunkTracker parityTracker;
    // Over the loss windows of the session followed: datagrams expected, lost, and of those dropped here.
    private long windowsExpected;
    private long windowsLost;
    private long windowsHostDropped;
    // The last loss window lost 1% or more, on the way or at this host's socket: repair during the
    // pass would compete with the pass for the same link or the same CPU.
    private boolean lossyWindow;
    // When that window closed, and this host's socket drops then (-1: not known).
    private long lossyWindowAtNs;
    private long dropsAtWindow = -1;
    // A window lost 1% or more on the way (its loss less this host's socket drops), and when.
    private boolean pathLossSeen;
    private long pathLossAtNs;
    // When a repair begun during the pass next has work (its requests complete on their own).
    private long nextRepairWorkNs;
    // Draws the stretched status intervals of a large session.
    private final RandomGenerator random;

    Member(String taskId, SessionConfig config, MemberHost host, RepairPlanner planner, RandomGenerator random) {
        this.taskId = taskId;
        this.config = config;
        this.host = host;
        this.planner = planner;
        this.random = random;
        this.silence = new DataSilenceDetector(config.dataSilenceLimit().toNanos());
    }

    // ---------------------------------------------------------------- following the session

    /**
     * A beacon of the session this agent now follows, checked and accepted: what it says of the
     * session, before the cache entry is opened for its layout.
     */
    void onBeaconHeard(Beacon beacon, boolean newSession, long nowNs) {
        lastBeaconNs = nowNs;
        representativeUrl = BeaconCheck.blockServerUrl(beacon.getRepairUrl());
        int before = membersKnown;
        membersKnown = beacon.getMembersKnown();
        sessionSize = Math.max(membersKnown, host.agentsHeard(nowNs));
        if (!newSession && membersKnown > before) {
            reconsiderStatus(nowNs);
        }
        membersComplete = beacon.getMembersComplete();
        startDelayRemainingMs = beacon.getStartDelayRemainingMs();
        if (newSession) {
            sessionEnded = false;
            silence.reset();
            lossMeter.reset();
            leaveDataGroup(); // the old session's group; the new one is joined next
        }
    }

    /** The same beacon, once the cache entry fits its layout: join, report, and follow its phase. */
    void onBeaconFollowed(Beacon beacon, boolean newSession, long nowNs) {
        AgentState state = host.state();
        if (!joinedData && state != AgentState.PAUSED && !host.published()) {
            host.joinDataGroup();
            joinedData = true;
        }
        if (newSession) {
            reportJoined(nowNs);
        }
        if (host.locallyPaused()) {
            return; // paused locally: keep following, do not move
        }
        applyPhase(beacon.getPhase(), nowNs); // before the detector forgets a silence the pass's end reveals
        long behind = config.repairBehindPassBytes();
        if (behind > 0 && beacon.getPhase() == SessionPhase.PHASE_SENDING && host.state() == AgentState.RECEIVING
                && host.store() != null) {
            // Blocks this far behind the pass's position have gone by: datagrams still in this
            // host's socket buffer or on their way, and the beacon overtaking them on its own
            // socket, are inside the margin.
            int blockSize = host.store().layout().blockSize();
            long margin = (behind + blockSize - 1) / blockSize;
            if (host.tracker() != null) {
                planner.useParity(parity(host.store(), host.tracker()));
            }
            planner.duringPass(host.store(), host.tracker(), (int) Math.max(0, beacon.getNextBlock() - margin),
                    lossyLately(nowNs), nowNs);
        }
        silence.onBeacon(beacon.getPhase() == SessionPhase.PHASE_SENDING && !host.published(), beacon.getNextBlock(),
                host.store(), nowNs);
    }

    private void applyPhase(SessionPhase phase, long nowNs) {
        AgentState state = host.state();
        if (host.published()) {
            if (state != AgentState.COMPLETE) {
                host.transition(AgentState.COMPLETE, nowNs, "already complete");
            }
            sessionEnded |= phase == SessionPhase.PHASE_ENDED;
            return;
        }
        switch (phase) {
            case PHASE_WAITING -> {
                if (state != AgentState.RECEIVING && state != AgentState.REPAIRING) {
                    host.transition(AgentState.WAITING, nowNs, "session waits for its start delay");
                }
            }
            case PHASE_SENDING -> {
                if (state != AgentState.RECEIVING && state != AgentState.REPAIRING) {
                    host.transition(AgentState.RECEIVING, nowNs, "session is multicasting");
                }
            }
            case PHASE_PAUSED -> host.transition(AgentState.PAUSED, nowNs, "representative paused the session");
            case PHASE_ENDED -> enterRepairingIfNeeded(nowNs);
            default -> {
            }
        }
    }

    /** The representative's End of this session. */
    void onEnd(End end, long nowNs) {
        if (!end.getFailure().isEmpty() && !host.published()) {
            // Believed like every message of the representative: in an authenticated session only
            // a key holder can send it. Without it each member would fetch the whole package from
            // the origin, only to find the same.
            host.fail(nowNs, "the representative gave up: " + LogSafe.of(end.getFailure()));
            return;
        }
        if (host.store() == null) {
            return; // no layout yet, nothing to repair: the next beacons tell what happens
        }
        enterRepairingIfNeeded(nowNs);
    }

    private void enterRepairingIfNeeded(long nowNs) {
        if (!sessionEnded && windowsLost > 0) {
            LOG.info("task {}: the pass lost {} of {} datagrams here ({} %), {} of them dropped by this host's receive"
                    + " socket (the host was busy, not the network congested)", taskId, windowsLost, windowsExpected,
                    String.format("%.1f", windowsLost * 100.0 / windowsExpected), windowsHostDropped);
        }
        sessionEnded = true;
        boolean published = host.published();
        if (host.locallyPaused()) {
            if (!published) {
                host.resumeInto(AgentState.REPAIRING); // paused locally: resume into repair
            }
            return;
        }
        AgentState state = host.state();
        if (!published && state != AgentState.REPAIRING && state != AgentState.COMPLETE) {
            if (host.store() != null && host.sessionId() != 0) {
                // Fresh, so that the representative judges the NAK round on what is held now; in a large
                // session spread over an interval, since every member sees the same pass end.
                host.advertSoon(nowNs);
            }
            if (state == AgentState.RECEIVING && silence.passMovedWithoutData()) {
                fallBackToUnicast(nowNs); // a pass shorter than the silence limit, and none of it arrived
                return;
            }
            planRepair(nowNs);
            host.transition(AgentState.REPAIRING, nowNs, "multicast pass ended");
        }
    }

    /**
     * The representative's manifest of per-block SHA-256 values, for an entry without a trusted
     * manifest: the cache refuses blocks that differ from it.
     */
    void onManifest(long source, int sourceEpoch, Manifest manifest) {
        BlockFile store = host.store();
        if (source != host.leaderNodeId() || sourceEpoch != host.epoch()) {
            invalidDatagrams++; // only the representative vouches for blocks, and only in its own term
            return;
        }
        ByteString hashes = manifest.getBlockSha256();
        int count = hashes.size() / BlockHashes.SHA256_LENGTH;
        long first = Integer.toUnsignedLong(manifest.getFirstBlock());
        if (hashes.size() % BlockHashes.SHA256_LENGTH != 0 || first + count > store.layout().blockCount()) {
            invalidDatagrams++;
            return;
        }
        try {
            for (int i = 0; i < count; i++) {
                byte[] digest = hashes.substring(i * BlockHashes.SHA256_LENGTH, (i + 1) * BlockHashes.SHA256_LENGTH)
                        .toByteArray();
                store.expectBlockHash((int) first + i, digest);
            }
        } catch (IOException e) {
            LOG.warn("task {}: cannot record manifest: {}", taskId, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- data

    /**
     * A data datagram of the session: written in place into the cache entry.
     *
     * @param frame the datagram, well-formed, of this session and epoch or a later one
     * @param nowNs current time
     */
    void onData(DataFrame frame, long nowNs) {
        ChunkTracker tracker = host.tracker();
        BlockFile store = host.store();
        if (lossMeter.onDatagram(frame.sequence(), frame.length() + SessionConfig.IP_UDP_OVERHEAD, nowNs, sessionSize)) {
            discountHostDrops(nowNs);
            sendStatus(nowNs, true); // the representative adapts its rate to it
        }
        int block = frame.block();
        int offset = frame.offsetInBlock();
        int length = frame.payloadLength();
        if ((frame.flags() & DataHeader.FLAG_PARITY) != 0) {
            onParity(frame, store, tracker, block, offset, length, nowNs);
            return;
        }
        if (!tracker.isValidChunk(block, offset, length)) {
            invalidDatagrams++;
            return;
        }
        silence.onData(); // even a duplicate shows the data group delivers here
        if (store.hasBlock(block) || tracker.has(block, offset)) {
            return; // duplicate
        }
        if (planner.isFetching(block)) {
            return; // a peer or the origin supplies this block whole; see GapRepair.isFetching
        }
        // Its data shows the representative is alive even when its beacons are late or lost (a
        // starved receiver may drop control datagrams while the data stream flows).
        if (Integer.compareUnsigned(frame.epoch(), host.epoch()) == 0) {
            lastBeaconNs = nowNs;
        }
        if (host.state() == AgentState.WAITING) {
            host.transition(AgentState.RECEIVING, nowNs, "data arrives");
        }
        long packageOffset = store.layout().offsetOf(block) + offset;
        try {
            store.write(packageOffset, frame); // in place: no slice, no copy
            if ((frame.flags() & DataHeader.FLAG_RETRANSMISSION) != 0) {
                bytesFromRepair += length;
            } else {
                bytesFromMulticast += length;
            }
            recordChunk(store, tracker, block, offset);
        } catch (IOException e) {
            cacheWriteFailed(store, e, nowNs);
            return;
        }
        if (store.isComplete()) {
            host.requestPublish();
        }
    }

    /** A chunk is in the cache entry: recorded, and its block committed once whole. */
    private void recordChunk(BlockFile store, ChunkTracker tracker, int block, int offset) throws IOException {
        if (tracker.record(block, offset)) {
            if (parity != null) {
                parity.forget(block); // whole, or to be received again: its parity is of no more use
            }
            if (!store.commitBlock(block)) {
                LOG.debug("task {}: block {} failed verification; it will be repaired", taskId, block);
            }
        }
    }

    private void cacheWriteFailed(BlockFile store, IOException e, long nowNs) {
        host.fail(nowNs, "cannot write task '" + taskId + "' to the cache in " + store.contentPath().getParent()
                + ": " + e.getMessage());
    }

    /**
     * A parity chunk (the representative answers parity NAKs with them): kept, and the chunks of
     * the block it lets this member compute written as if they had arrived.
     */
    private void onParity(DataFrame frame, BlockFile store, ChunkTracker tracker, int block, int parityId, int length,
                          long nowNs) {
        ParityRecovery recovery = parity(store, tracker);
        if (!recovery.isValid(block, parityId, length)) {
            invalidDatagrams++;
            return;
        }
        silence.onData();
        if (store.hasBlock(block) || planner.isFetching(block)) {
            return;
        }
        try {
            int[] recovered = recovery.onParity(store, tracker, block, parityId, frame.buffer(), frame.payloadIndex());
            if (recovered == null) {
                return;
            }
            for (int offset : recovered) {
                bytesFromRepair += Math.min(tracker.chunkSize(), store.layout().lengthOf(block) - offset);
                recordChunk(store, tracker, block, offset);
            }
        } catch (IOException e) {
            cacheWriteFailed(store, e, nowNs);
            return;
        }
        if (store.isComplete()) {
            host.requestPublish();
        }
    }

    /** @return the parity held for this cache entry and chunk layout, a new one for another */
    ParityRecovery parity(BlockFile store, ChunkTracker tracker) {
        if (parity == null || parityTracker != tracker) {
            parity = new ParityRecovery(store.layout(), tracker.chunkSize(), ParityRecovery.DEFAULT_MAX_CHUNKS);
            parityTracker = tracker;
        }
        return parity;
    }

    // ---------------------------------------------------------------- work

    /** Timers of a member that waits, receives or repairs. */
    void onWork(long nowNs) {
        if (host.recoveringFromOrigin()) {
            return; // the download from the origin reports through the agent's onBlockFetched
        }
        // Peer repair needs no representative: a member repairing from peers stays with them.
        if (!planner.isRunning() && nowNs - lastBeaconNs >= config.representativeTimeout().toNanos()) {
            host.representativeLost(nowNs);
            return;
        }
        if (nowNs - nextStatusNs >= 0) {
            sendStatus(nowNs);
        }
        AgentState state = host.state();
        if (state == AgentState.RECEIVING && silence.isSilent(nowNs)) {
            fallBackToUnicast(nowNs);
        }
        boolean repairDue = host.state() == AgentState.REPAIRING;
        if (host.state() == AgentState.RECEIVING && planner.repairingDuringPass() && nowNs - nextRepairWorkNs >= 0) {
            // While the pass runs this is called after every batch of datagrams: the repair's
            // scan of missing blocks runs only when its own timers say (measured: ~10% of a
            // receiving agent's CPU samples when it ran every time).
            repairDue = true;
        }
        if (repairDue) {
            BlockFile store = host.store();
            ChunkTracker tracker = host.tracker();
            planner.doWork(store, tracker, store != null && tracker != null ? parity(store, tracker) : null,
                    host.sessionId() != 0, nowNs);
            nextRepairWorkNs = planner.nextWakeNs(nowNs);
            if (planner.hasGapRepair() && store != null && store.isComplete()) {
                host.requestPublish();
            }
        }
    }

    /** Timers of a member whose copy is in place: status reports until it leaves. */
    void onCompleteWork(long nowNs) {
        if (nowNs - nextStatusNs >= 0) {
            sendStatus(nowNs);
        }
    }

    /** Timers of a member that is paused: a representative silent meanwhile means the session is gone. */
    void onPausedWork(long nowNs) {
        if (!host.locallyPaused() && nowNs - lastBeaconNs >= config.representativeTimeout().toNanos()) {
            host.sessionLostWhilePaused(nowNs);
        }
    }

    /**
     * @param state the agent's state (a member's, or COMPLETE)
     * @param nowNs current time
     * @param lingerWakeNs when the linger ends, or {@link Long#MAX_VALUE} once it has
     * @return when the member's timers next fire
     */
    long nextWakeNs(AgentState state, long nowNs, long lingerWakeNs) {
        return switch (state) {
            case COMPLETE -> Math.min(nextStatusNs, lingerWakeNs);
            case WAITING, RECEIVING -> Math.min(Math.min(nextStatusNs, lastBeaconNs + config.representativeTimeout().toNanos()),
                    state == AgentState.RECEIVING ? Math.min(silence.wakeNs(),
                            planner.repairingDuringPass() ? planner.nextWakeNs(nowNs) : Long.MAX_VALUE) : Long.MAX_VALUE);
            case REPAIRING -> host.recoveringFromOrigin() ? Long.MAX_VALUE : repairWakeNs(nowNs);
            default -> Long.MAX_VALUE;
        };
    }

    private long repairWakeNs(long nowNs) {
        long wake = nextStatusNs;
        if (!planner.isRunning()) {
            wake = Math.min(wake, lastBeaconNs + config.representativeTimeout().toNanos());
        }
        return Math.min(wake, planner.nextWakeNs(nowNs));
    }

    /**
     * The session multicasts but its data never reaches this member: stop waiting for the pass and
     * complete now over unicast, from the representative's block server and peers (the origin only
     * for blocks none of them will hold). No NAK round: a retransmission would not arrive either.
     * Without peer repair the only unicast source is the origin.
     */
    private void fallBackToUnicast(long nowNs) {
        fallback = "no multicast data for " + silence.silentForNs(nowNs) / MS + " ms while the representative's"
                + " pass moved on";
        silence.reset();
        LOG.info("task {}: {}: the data group {} is blocked here; completing over unicast", taskId, fallback,
                host.dataGroup());
        if (!planner.hasGapRepair()) {
            host.recoverFromOrigin(nowNs, "fell back to the origin: " + fallback);
            return;
        }
        planner.fallBack(nowNs, "the data group is blocked here");
        host.transition(AgentState.REPAIRING, nowNs, "fell back to unicast: " + fallback);
    }

    /**
     * Whether this member lost datagrams lately: a window lost datagrams on the way within the last
     * {@value #PATH_LOSS_HOLD_INTERVALS} report intervals, or its last loss window was lossy and is
     * recent, or its socket dropped datagrams since.
     *
     * <p>Loss on the way is a congested path, and repair during the pass crosses the same
     * bottleneck over TCP, which takes whatever the pass leaves and keeps the link's queue full: the
     * pass's loss then stayed when the representative cut its rate, the representative took it for
     * loss the rate does not cause and stopped listening to the member (the congestion test, on a
     * busy machine: up to 36% of the pass lost, against 4-7% with no repair during it). The hold
     * outlasts the rate's saw-tooth, whose lossy windows come a few hundred milliseconds apart.
     *
     * <p>A busy host's own drops hold the repair only while recent, or while the socket keeps
     * dropping. A window closes only on datagrams that keep coming: a pass that keeps pace with its
     * representative's download sends each block as it arrives and pauses between blocks (70 ms of
     * every 87 at 100 Mbit/s), and the meter drops a window that spans a pause. The verdict of the
     * last window that closed, at the pass's start when the members were busiest, then held for the
     * whole pass: on the testbed no member repaired during it, and each lacked its early blocks at
     * the end (the package's SHA-256, taken in file order, waited on them, and 120 MB were read and
     * hashed after the pass).
     */
    private boolean lossyLately(long nowNs) {
        long intervalNs = LossMeter.reportIntervalNs(sessionSize);
        if (pathLossSeen && nowNs - pathLossAtNs <= PATH_LOSS_HOLD_INTERVALS * intervalNs) {
            return true;
        }
        if (!lossyWindow) {
            return false;
        }
        if (nowNs - lossyWindowAtNs <= 2 * intervalNs) {
            return true;
        }
        // Past that, only fresh drops at this host's socket say so (where the platform counts them).
        return dropsAtWindow >= 0 && host.receiveDrops() > dropsAtWindow;
    }

    /** After the pass: the planner's NAKs, or its NAK round and gap repair. */
    void planRepair(long nowNs) {
        BlockFile store = host.store();
        if (store != null) {
            if (host.tracker() != null) {
                planner.useParity(parity(store, host.tracker()));
            }
            planner.afterPass(store, host.tracker(), nowNs);
        }
    }

    /**
     * Takes what this host's socket dropped off the window's loss, so that the representative's
     * rate follows the path and not this host's CPU: a busy member catches up by repair instead of
     * slowing the whole subnet; {@link HostDrops} matches drops with gaps that show windows later.
     */
    private void discountHostDrops(long nowNs) {
        long lost = lossMeter.windowLost();
        windowsExpected += lossMeter.windowExpected();
        windowsLost += lost;
        long drops = host.receiveDrops();
        lossyWindowAtNs = nowNs;
        dropsAtWindow = drops;
        long taken = hostDrops.discount(lossMeter, drops);
        if (RateController.isCongested(lossMeter.lossFraction())) { // what is left once this host's drops are off
            pathLossSeen = true;
            pathLossAtNs = nowNs;
        }
        if (drops < 0) {
            lossyWindow = RateController.isCongested(lossMeter.lossFraction()); // unknown here: every gap counts
            return;
        }
        windowsHostDropped += taken;
        lossyWindow = RateController.isCongested((int) (lost * 65_536 / Math.max(1, lossMeter.windowExpected())));
        if (lost > 0) {
            LOG.debug("task {}: {} of {} datagrams lost in the last window, {} of them at this host's socket ({} dropped there)",
                    taskId, lost, lossMeter.windowExpected(), taken, hostDrops.lastFresh());
        }
    }

    // ---------------------------------------------------------------- reports and the data group

    /**
     * Reports news (this member's copy is complete) now in a small session, within a random part
     * of a status interval in a large one ({@link io.subnetcast.core.send.ReportSchedule#statusNewsDelayNs}).
     *
     * @return when the report is due (a member lingers at least until then)
     */
    long reportSoon(long nowNs) {
        if (!periodicNext && nextStatusNs - nowNs > 0) {
            return nextStatusNs; // news (or a first report) already waits for its moment, and says what is true when sent
        }
        long delay = config.reportSchedule().statusNewsDelayNs(host.agentsHeard(nowNs), random);
        if (delay == 0) {
            sendStatus(nowNs);
            return nowNs;
        }
        if (nowNs + delay - nextStatusNs < 0) {
            nextStatusNs = nowNs + delay;
            periodicNext = false;
            spreadFirstNext = false;
        }
        return nextStatusNs;
    }

    /**
     * A new session's first status: at once in a small session; in a crowd (as many agents as this
     * one heard of, see {@link MemberHost#agentsHeard}) at a random point of one stretched status
     * interval, as RTCP randomises a participant's first report (RFC 3550, section 6.3.2). Without
     * it a thousand members that follow the same beacon report in the same millisecond, before any
     * of them knows the session is large (the first beacon counts no members yet), and again one
     * interval later.
     */
    private void reportJoined(long nowNs) {
        long delay = config.reportSchedule().statusNewsDelayNs(host.agentsHeard(nowNs), random);
        if (delay == 0) {
            sendStatus(nowNs);
            return;
        }
        nextStatusNs = nowNs + delay;
        periodicNext = false;
        spreadFirstNext = true;
    }

    /**
     * The session turned out larger than when the next periodic status was drawn: draw it again from
     * the last one, so that it is not sooner than the larger session's interval allows (RTCP's timer
     * reconsideration, RFC 3550, section 6.3.6, as a member learns the count from beacons).
     */
    private void reconsiderStatus(long nowNs) {
        if (!periodicNext) {
            return;
        }
        int members = host.agentsHeard(nowNs);
        long earliest = lastStatusNs + config.reportSchedule().statusIntervalNs(members) / 2;
        if (nextStatusNs - earliest < 0) {
            nextStatusNs = lastStatusNs + config.reportSchedule().nextStatusDelayNs(members, random);
        }
    }

    /** @return when the next status report is due */
    long nextStatusNs() {
        return nextStatusNs;
    }

    /** Reports this member's progress to the representative. */
    void sendStatus(long nowNs) {
        sendStatus(nowNs, false);
    }

    private void sendStatus(long nowNs, boolean withLossReport) {
        int members = host.agentsHeard(nowNs);
        // A random draw after a first report that was itself drawn from one interval would crowd the
        // interval that follows: an eighth of the members would report twice in the first one.
        nextStatusNs = nowNs + (spreadFirstNext ? config.reportSchedule().statusIntervalNs(members)
                : config.reportSchedule().nextStatusDelayNs(members, random));
        spreadFirstNext = false;
        lastStatusNs = nowNs;
        periodicNext = true;
        long sessionId = host.sessionId();
        if (sessionId == 0 || host.basisInProgress()) {
            return; // a member's first status reports what its basis files hold: the scan's end sends it
        }
        BlockFile store = host.store();
        Status.Builder status = Status.newBuilder().setSessionId(sessionId)
                .setBytesHeld(store == null ? 0 : store.bytesHeld()).setComplete(host.published());
        if (withLossReport) {
            long kbps = lossMeter.receiveRateBitsPerSecond() / 1000;
            status.setLossFraction(lossMeter.lossFraction()).setReceiveRateKbps((int) Math.max(1, Math.min(kbps, 0xFFFF_FFFFL)))
                    .setWindowFirstSequence(lossMeter.windowFirstSequence());
        }
        host.sendStatus(status);
    }

    /** Paused locally: the data group is left and the silence forgotten. */
    void pause() {
        host.leaveDataGroup();
        joinedData = false;
        silence.reset();
    }

    /** The agent was elected: it leaves the data group it followed; its own term says when the pass ends. */
    void onBecameRepresentative(long nowNs) {
        planner.endRepairDuringPass(nowNs); // the representative's own download takes over
        sessionEnded = false;
        leaveDataGroup();
    }

    /** Resumed locally: the data group is joined again. */
    void rejoin() {
        if (host.dataGroup() != null) {
            host.joinDataGroup();
            joinedData = true;
        }
    }

    /** Left the session: silence forgotten, data group left. */
    void leave() {
        silence.reset();
        leaveDataGroup();
    }

    /** Leaves the data group if it was joined. */
    void leaveDataGroup() {
        if (joinedData) {
            host.leaveDataGroup();
            joinedData = false;
        }
    }

    // ---------------------------------------------------------------- queries

    /** @return when the representative was last heard (a beacon, or data of its epoch) */
    long lastBeaconNs() {
        return lastBeaconNs;
    }

    /** @return the representative's block server, or null */
    URI representativeUrl() {
        return representativeUrl;
    }

    /** @return members the representative last reported */
    int membersKnown() {
        return membersKnown;
    }

    /** @return members the representative last reported complete */
    int membersComplete() {
        return membersComplete;
    }

    /** @return what was left of the session's start delay at the last beacon */
    long startDelayRemainingMs() {
        return startDelayRemainingMs;
    }

    /** @return whether the session's pass ended */
    boolean sessionEnded() {
        return sessionEnded;
    }

    /** @return why this member fell back to unicast, or null */
    String fallback() {
        return fallback;
    }

    /** @return payload bytes written from the pass */
    long bytesFromMulticast() {
        return bytesFromMulticast;
    }

    /** @return payload bytes written from retransmissions */
    long bytesFromRepair() {
        return bytesFromRepair;
    }

    /** @return data datagrams and manifests refused as out of range or not the representative's */
    long invalidDatagrams() {
        return invalidDatagrams;
    }
}
