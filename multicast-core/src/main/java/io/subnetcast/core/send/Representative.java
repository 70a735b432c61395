package io.subnetcast.core.send;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.fsm.StateMachine;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.SessionPhase;
import io.subnetcast.core.wire.proto.Status;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One term of this agent as its session's representative: from its election to stepping down or
 * the end of the task. It fetches the package once (the download runs on the edge; blocks a peer
 * holds, or this agent holds in part, are left to gap repair), waits out the start delay, sends the
 * pass through {@link PassSender} while the download goes on, ends it with End messages, and then
 * serves retransmission rounds while its members complete. All along it beacons the session and
 * keeps the {@link MemberTable} of its members' reports.
 *
 * <p>The session agent owns the rest of the agent's life (the election, following a session as a
 * member, publishing, the linger) and shows this term's {@link Phase} as its public state. Like
 * every core part it is driven on the agent's thread, reads no clock and does no I/O: effects go
 * to its {@link RepresentativeHost}.
 */
public final class Representative {
    private static final Logger LOG = LoggerFactory.getLogger(Representative.class);
    /** Longest the pass waits, past its start delay, for members scanning basis files. */
    private static final long MAX_PREPARING_WAIT_NS = 30_000_000_000L;
    private static final long MS = 1_000_000L;
    /** The representative answers discoveries and claims at most this often with an extra beacon. */
    private static final long UNSOLICITED_BEACON_GAP_NS = 50 * MS;
    /** End messages at the end of the pass, a few, since a lost one costs members a timeout. */
    public static final int END_REPEATS = 3;
    private static final long END_GAP_NS = 100 * MS;

    /** The phases of a term. */
    public enum Phase {
        /** Elected: the download (or the check of the cached copy) runs while the start delay counts down. */
        STARTING,
        /** The start delay is over: the pass multicasts, waiting for the download where it is behind. */
        SENDING,
        /** The pass is over and this agent's own copy is in place: it serves repairs until its members are done. */
        SERVING,
        /** Paused locally, which pauses the session: beacons say so, nothing is sent, the start delay stops. */
        PAUSED
    }


    private final String taskId;
    private final long nodeId;
    private final int priority;
    private final byte[] packageSha256;
    private final long sessionId;
    private final int epoch;
    private final InetSocketAddress dataGroup;
    private final long beaconIntervalNs;
    private final ReportSchedule reports;
    private final int mtu;
    private final RepresentativeHost host;
    private final RepairPlanner planner;
    private final PassSender pass;
    private final MemberTable members;
    private final PeerAwarePassPolicy policy;
    private final TermDownload download;
    private final StateMachine<Phase> phase;

    private Phase phaseBeforePause;
    private long startAtNs;
    private long pausedStartDelayNs;
    private long nextBeaconNs;
    private long lastBeaconSentNs;
    // The last beacon told members that every member is complete (they may finish instead of lingering).
    private boolean allCompleteAnnounced;
    private int endsSent;
    private long nextEndNs;
    private int chunkSize;
    private long advertsDueNs;

    /**
     * Starts a term: the caller announces it with {@link #sendBeacon} once it shows the phase.
     *
     * @param term who leads which session: task, node, priority, session id, epoch and data group
     * @param settings the session's timing and sending settings
     * @param startAtNs when the pass may start (the end of the start delay)
     * @param host the agent
     * @param planner the agent's repair planner, which completes blocks left to repair
     */
    public Representative(Term term, TermSettings settings, long startAtNs, RepresentativeHost host, RepairPlanner planner) {
        this.taskId = term.taskId();
        this.nodeId = term.nodeId();
        this.priority = term.priority();
        this.packageSha256 = term.packageSha256();
        this.sessionId = term.sessionId();
        this.epoch = term.epoch();
        this.dataGroup = term.dataGroup();
        this.beaconIntervalNs = settings.beaconIntervalNs();
        this.reports = settings.reports();
        this.mtu = settings.mtu();
        this.host = host;
        this.planner = planner;
        this.startAtNs = startAtNs;
        this.pass = new PassSender(new PassOutput(), settings.rateBitsPerSecond(), settings.adaptiveRate(), mtu,
                settings.nakIntervalNs(), settings.nakThreshold(), settings.maxMembers());
        this.members = new MemberTable(settings.maxMembers());
        this.policy = new PeerAwarePassPolicy(host, planner);
        this.download = new TermDownload(host, planner, policy);
        this.phase = StateMachine.builder("task " + taskId + " representative (epoch " + epoch + ")", LOG, Phase.STARTING)
                .allow(Phase.STARTING, Phase.SENDING, Phase.SERVING, Phase.PAUSED)
                .allow(Phase.SENDING, Phase.SERVING, Phase.PAUSED)
                .allow(Phase.SERVING, Phase.PAUSED)
                .allow(Phase.PAUSED, Phase.STARTING, Phase.SENDING, Phase.SERVING)
                .build();
    }


    // ---------------------------------------------------------------- events

    /**
     * The layout is known (the store is open): starts the pass's plan and fetches from the origin
     * only what no peer holds when peers can fill the rest (a successor continues from the
     * session's caches), everything otherwise. A block this agent holds in part (chunks of the pass
     * it received as a member) is left to repair too, which fetches only its missing chunks: a
     * successor under loss holds few whole blocks but most of every block sent.
     *
     * @param chunkSize payload bytes per data datagram
     * @param nowNs current time
     * @return whether a download was started (false: the store is complete and publishing was asked)
     */
    public boolean startFetchOrPublish(int chunkSize, long nowNs) {
        return startFetchOrPublish(chunkSize, nowNs, nowNs);
    }

    /**
     * As {@link #startFetchOrPublish(int, long)}, the download waiting until {@code advertsDueNs}
     * for members' first adverts (a representative without the older version its members may
     * hold), at most until the start delay ends.
     *
     * @param chunkSize payload bytes per data datagram
     * @param advertsDueNs until when the download waits for members' adverts; {@code nowNs} for not at all
     * @param nowNs current time
     * @return whether a download was started or waits (false: the store is complete and publishing was asked)
     */
    public boolean startFetchOrPublish(int chunkSize, long advertsDueNs, long nowNs) {
        this.advertsDueNs = advertsDueNs;
        this.chunkSize = chunkSize;
        BlockFile store = host.store();
        pass.start(store.layout(), chunkSize, policy);
        if (store.isComplete()) {
            host.requestPublish();
            return false;
        }
        download.startOrDefer(downloadWaits(nowNs), nowNs);
        return true;
    }

    /** The cache entry was replaced: the round and the blocks left to repair belong to the old one. */
    public void onStoreReplaced() {
        pass.dropRound();
        download.forget();
    }

    /**
     * A member's status report.
     *
     * @param source the member
     * @param status its report
     * @param nowNs current time
     */
    public void onStatus(long source, Status status, long nowNs) {
        if (status.getSessionId() != sessionId) {
            return;
        }
        int completeBefore = members.complete();
        boolean known = members.contains(source); // a stranger's report counts for nothing
        boolean progressed = members.update(source, status.getBytesHeld(), status.getComplete(), nowNs);
        boolean joined = !known && !status.getComplete() && members.contains(source);
        if ((progressed || joined) && endsSent > 0) {
            // A member still completing blocks after the pass, or joining after it (during the
            // linger), may still need this representative (repairs): the linger counts from the last
            // progress or arrival any member reported.
            host.extendLinger(nowNs);
        }
        if (known && (status.getLossFraction() != 0 || status.getReceiveRateKbps() != 0)) {
            pass.onLossReport(source, status.getLossFraction(), Integer.toUnsignedLong(status.getReceiveRateKbps()) * 1000,
                    status.hasWindowFirstSequence() ? Integer.toUnsignedLong(status.getWindowFirstSequence())
                            : RateController.UNKNOWN_SEQUENCE, nowNs);
        }
        if (members.complete() > completeBefore && members.allComplete()) {
            // Tell everyone at once, so that members may finish instead of lingering; a beacon sent just
            // before (members of a delta finish within milliseconds) defers it by the gap, not more.
            if (nowNs - lastBeaconSentNs >= UNSOLICITED_BEACON_GAP_NS) {
                sendBeacon(nowNs);
            } else {
                nextBeaconNs = Math.min(nextBeaconNs, lastBeaconSentNs + UNSOLICITED_BEACON_GAP_NS);
            }
        }
    }

    /**
     * A member's NAK of this session.
     *
     * @param source the member
     * @param nak the request
     * @param ranges how many of its ranges to take
     * @param nowNs current time
     * @return false when the request (or the rest of it) was refused: its sender used up its budget
     */
    public boolean onNak(long source, Nak nak, int ranges, long nowNs) {
        if (endsSent > 0) {
            // Asked for blocks after the pass (by a member that joined during the linger, say): its
            // repairs come from here, so the representative stays; leaving stranded it on its origin.
            host.extendLinger(nowNs);
        }
        return pass.onNak(source, nak, ranges, host.store(), nowNs);
    }

    /**
     * This agent's copy was placed: once the pass is over too, the term serves.
     *
     * @param reason where the copy is, for the log
     * @param nowNs current time
     */
    public void onPublished(String reason, long nowNs) {
        if (!phase.is(Phase.SERVING) && (!pass.isStarted() || pass.passDone())) {
            enter(Phase.SERVING, nowNs, reason);
        }
    }

    /**
     * Pauses the session.
     *
     * @param nowNs current time
     */
    public void pause(long nowNs) {
        if (phase.is(Phase.PAUSED)) {
            return;
        }
        phaseBeforePause = phase.state();
        if (phase.is(Phase.STARTING)) {
            pausedStartDelayNs = Math.max(0, startAtNs - nowNs);
        }
        enter(Phase.PAUSED, nowNs, "paused locally");
        sendBeacon(nowNs);
    }

    /**
     * Resumes the session where {@link #pause} stopped it.
     *
     * @param nowNs current time
     */
    public void resume(long nowNs) {
        if (!phase.is(Phase.PAUSED)) {
            return;
        }
        if (phaseBeforePause == Phase.STARTING) {
            startAtNs = nowNs + pausedStartDelayNs;
        }
        enter(phaseBeforePause, nowNs, "resumed locally");
        phaseBeforePause = null;
        sendBeacon(nowNs);
    }

    /**
     * The copy downloaded from the origin did not match the task's SHA-256: whatever went out of it
     * is wrong. Tells the members, so that they do not each fetch it from the origin again, only to
     * find the same.
     */
    public void sendFailedEnd() {
        String failure = "the package downloaded from the origin does not match the task's SHA-256";
        for (int i = 0; i < END_REPEATS; i++) {
            host.sendControl(control().setEnd(End.newBuilder().setSessionId(sessionId).setFailure(failure)).build());
        }
    }

    /**
     * Answers a discovery, a claim or a weaker rival's beacon with a beacon, at most every
     * {@value #UNSOLICITED_BEACON_GAP_NS} ns.
     *
     * @param nowNs current time
     */
    public void sendUnsolicitedBeacon(long nowNs) {
        if (nowNs - lastBeaconSentNs >= UNSOLICITED_BEACON_GAP_NS) {
            sendBeacon(nowNs);
        }
    }

    // ---------------------------------------------------------------- work

    /**
     * Runs the term's timers and the send loop.
     *
     * @param nowNs current time
     */
    public void doWork(long nowNs) {
        switch (phase.state()) {
            case STARTING, SENDING, SERVING -> onActiveWork(nowNs);
            case PAUSED -> onPausedWork(nowNs);
            default -> throw new IllegalStateException(phase.state().name());
        }
    }

    private void onActiveWork(long nowNs) {
        BlockFile store = host.store();
        if (download.isDeferred() && !downloadWaits(nowNs)) {
            download.startOrDefer(false, nowNs);
        }
        pass.evaluateRound(store, host.peers(), nowNs);
        if (planner.isRunning() && !host.published()) {
            planner.doWork(store, host.tracker(), false, nowNs);
            if (store.isComplete()) {
                host.requestPublish();
            }
        }
        if (nowNs - nextBeaconNs >= 0) {
            sendBeacon(nowNs);
            members.expire(nowNs, reports.memberSilenceNs(members.known()));
        }
        if (phase.is(Phase.STARTING) && pass.isStarted() && nowNs - startAtNs >= 0 && !membersPreparing(nowNs)) {
            enter(Phase.SENDING, nowNs, "start delay over");
            sendBeacon(nowNs);
        }
        if (phase.is(Phase.SENDING) || (phase.is(Phase.SERVING) && pass.isStarted())) {
            pass.tickRate(nowNs, members.known());
            policy.at(nowNs);
            if (pass.pump(store, nowNs)) {
                endPass(nowNs);
            }
        }
    }

    /**
     * @return whether the pass waits for members that still scan older versions of the package into
     *     their caches (their adverts would have it send blocks they are about to find), at most
     *     {@link #MAX_PREPARING_WAIT_NS} past the start delay
     */
    private boolean downloadWaits(long nowNs) {
        return nowNs - startAtNs < 0 && (membersPreparing(nowNs) || nowNs - advertsDueNs < 0);
    }

    private boolean membersPreparing(long nowNs) {
        PeerDirectory peers = host.peers();
        return peers != null && nowNs - startAtNs < MAX_PREPARING_WAIT_NS
                && peers.anyPreparing(nowNs - reports.advertSilenceNs(members.known() + 1));
    }

    private void onPausedWork(long nowNs) {
        if (nowNs - nextBeaconNs >= 0) {
            sendBeacon(nowNs);
        }
    }

    /**
     * @param nowNs current time
     * @param lingerEndNs when the linger ends, or {@link Long#MAX_VALUE} once it has
     * @return when {@link #doWork} next has something to do
     */
    public long nextWakeNs(long nowNs, long lingerEndNs) {
        return switch (phase.state()) {
            // A term whose pass is not planned yet (its layout or basis scan is on the way), or that
            // waits for members scanning theirs, waits for those events (and its beacons), not for the
            // start delay, which may be over already.
            case STARTING -> Math.min(Math.min(nextBeaconNs,
                    (pass.isStarted() && !membersPreparing(nowNs)) || download.isDeferred() ? startAtNs : Long.MAX_VALUE),
                    Math.min(download.isDeferred() && advertsDueNs - nowNs > 0 ? advertsDueNs : Long.MAX_VALUE,
                            repairWakeNs(nowNs)));
            case SENDING -> Math.min(Math.min(Math.min(nextBeaconNs, pass.roundWakeNs()), sendWakeNs(nowNs)),
                    repairWakeNs(nowNs));
            case SERVING -> Math.min(Math.min(nextBeaconNs, pass.roundWakeNs()),
                    pass.queuedRetransmissions() > 0 ? sendWakeNs(nowNs) : lingerEndNs);
            case PAUSED -> nextBeaconNs;
        };
    }

    private long repairWakeNs(long nowNs) {
        return planner.isRunning() && !host.published() ? planner.nextWakeNs(nowNs) : Long.MAX_VALUE;
    }

    private long sendWakeNs(long nowNs) {
        if (!pass.isStarted()) {
            return nowNs + beaconIntervalNs;
        }
        long wake = pass.sendWakeNs(host.store(), nowNs, mtu);
        if (wake != Long.MAX_VALUE) {
            return wake;
        }
        if (pass.passDone()) {
            return endsSent < END_REPEATS ? nextEndNs : nextBeaconNs;
        }
        return nextBeaconNs; // waiting for the download; a fetched block wakes the engine
    }

    private void endPass(long nowNs) {
        if (endsSent >= END_REPEATS || nowNs - nextEndNs < 0) {
            return;
        }
        if (endsSent == 0) {
            LOG.debug("task {}: multicast pass over after {} datagrams", taskId, pass.sequence());
        }
        host.sendControl(control().setEnd(End.newBuilder().setSessionId(sessionId)).build());
        endsSent++;
        nextEndNs = nowNs + END_GAP_NS;
        if (endsSent == 1) {
            // The representative serves its members (retransmissions, peer repair) for a linger
            // counted from the end of its pass, not from when its own copy was placed.
            host.lingerFrom(nowNs);
            sendBeacon(nowNs);
            if (host.published() && !phase.is(Phase.SERVING)) {
                enter(Phase.SERVING, nowNs, "multicast pass over; package in place");
            }
        }
    }

    /**
     * Beacons the session: its phase, layout, data group and members.
     *
     * @param nowNs current time
     */
    public void sendBeacon(long nowNs) {
        SessionPhase beaconPhase;
        if (phase.is(Phase.PAUSED)) {
            beaconPhase = SessionPhase.PHASE_PAUSED;
        } else if (endsSent > 0) {
            beaconPhase = SessionPhase.PHASE_ENDED;
        } else if (phase.is(Phase.SENDING)) {
            beaconPhase = SessionPhase.PHASE_SENDING;
        } else {
            beaconPhase = SessionPhase.PHASE_WAITING;
        }
        Beacon.Builder beacon = Beacon.newBuilder()
                .setSessionId(sessionId)
                .setPhase(beaconPhase)
                .setStartDelayRemainingMs(startDelayRemainingMs(nowNs))
                .setDataGroup(ByteString.copyFrom(dataGroup.getAddress().getAddress()))
                .setDataPort(dataGroup.getPort())
                .setPriority(priority)
                .setRepairUrl(host.blockServerUrl())
                .setMembersKnown(members.known())
                .setMembersComplete(members.complete());
        BlockFile store = host.store();
        if (store != null && chunkSize > 0) {
            // The layout once the pass is planned (a term that waits for its basis scan has an entry
            // but no chunk size yet): members take beacons without one as "layout to follow".
            beacon.setPackageLength(store.layout().length())
                    .setBlockSize(store.layout().blockSize())
                    .setChunkSize(chunkSize)
                    .setBytesHeld(store.bytesHeld())
                    .setContentIdentity(store.identity())
                    .setNextBlock(pass.passPosition());
        }
        if (packageSha256 != null) {
            beacon.setPackageSha256(ByteString.copyFrom(packageSha256));
        }
        host.sendControl(control().setBeacon(beacon).build());
        allCompleteAnnounced = members.known() > 0 && members.allComplete();
        lastBeaconSentNs = nowNs;
        nextBeaconNs = nowNs + beaconIntervalNs;
    }

    /**
     * Repair fetches from the origin a run of a block that members' older version held the rest
     * of: they lack that run too, so a pass that sends only part of such a block sends it.
     *
     * @param block the block
     * @param offsetInBlock the run's first byte in the block
     * @param length its length
     */
    public void passSendsAlso(int block, int offsetInBlock, int length) {
        policy.addOwnGaps(block, offsetInBlock, length);
    }

    /**
     * @param block a block of the package
     * @return whether repair may fetch it from the origin: only blocks left out of the download
     */
    public boolean originAllowed(int block) {
        return policy.originAllowed(block);
    }

    // ---------------------------------------------------------------- queries

    /** @return the term's phase */
    public Phase phase() {
        return phase.state();
    }

    /**
     * @param nowNs current time
     * @param lingerUntilNs when the linger ends
     * @return whether the term's duties are done: Ends sent, no retransmission queued, and the
     *     linger over or every known member complete
     */
    public boolean isDone(long nowNs, long lingerUntilNs) {
        if (endsSent < END_REPEATS || pass.queuedRetransmissions() > 0) {
            return false;
        }
        // Not before a beacon said so: members that never hear it would linger for nothing.
        return nowNs - lingerUntilNs >= 0 || (members.known() > 0 && members.allComplete() && allCompleteAnnounced);
    }

    /**
     * @param nowNs current time
     * @return what is left of the start delay, in milliseconds
     */
    public long startDelayRemainingMs(long nowNs) {
        if (phase.is(Phase.STARTING)) {
            return Math.max(0, (startAtNs - nowNs) / MS);
        }
        return phase.is(Phase.PAUSED) && phaseBeforePause == Phase.STARTING ? pausedStartDelayNs / MS : 0;
    }

    /** @return members known from their reports */
    public int membersKnown() {
        return members.known();
    }

    /** @return members reporting a complete copy */
    public int membersComplete() {
        return members.complete();
    }

    /** @return bytes the pass has covered so far */
    public long passBytes() {
        BlockFile store = host.store();
        return store == null ? 0 : pass.passBytes(store.layout());
    }

    /** @return the rate adaptation, or null when the rate is fixed */
    public RateController rateController() {
        return pass.rateController();
    }

    /** @return the current send rate in bit/s */
    public long rateBitsPerSecond() {
        return pass.rateBitsPerSecond();
    }

    private void enter(Phase next, long nowNs, String reason) {
        phase.to(next, nowNs, reason);
        host.phaseChanged(next, nowNs, reason);
    }

    private Control.Builder control() {
        return Control.newBuilder().setTaskId(taskId).setNodeId(nodeId).setEpoch(epoch);
    }

    /** The pass's datagrams, stamped with this term's session and epoch. */
    private final class PassOutput implements PassSender.Output {
        @Override
        public boolean sendChunk(BlockFile chunkStore, int block, int offsetInBlock, int length, int sequence, int flags) {
            return host.sendChunk(chunkStore, sessionId, epoch, block, offsetInBlock, length, sequence, flags);
        }

        @Override
        public void sendManifest(Manifest.Builder manifest) {
            host.sendControl(control().setManifest(manifest.setSessionId(sessionId)).build());
        }
    }
}
