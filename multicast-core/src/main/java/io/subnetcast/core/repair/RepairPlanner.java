package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.fsm.StateMachine;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.receive.ParityRecovery;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Nak;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how one agent completes what the multicast pass left out, and runs it: the member's NAKs
 * to the representative and the {@link GapRepair} (peer repair) behind them, or the representative's
 * gap repair next to its own origin download.
 *
 * <p>Without a gap repair installed, the only unicast-free source is the representative: parity
 * NAKs ({@link ParityNaks}) ask it block by block for parity chunks, each suppressed when another
 * member asked for at least as many, and repeat each NAK interval until the block is whole (NAKs
 * for every missing chunk when the session keeps no parity). With one, a member sends one
 * suppressed NAK round for the blocks it received at most half of (what many members lack is
 * cheaper by multicast) and starts the gap repair at once for every missing block but those whose
 * retransmission can come: a block the round asked for is held back from the gap repair for the
 * repair delay only when, by this member's {@link PeerDirectory}, at least the NAK threshold of
 * agents lack it, the rule by which the representative judges the round. The round NAK still names
 * every such block, since the representative's view may differ and it is one datagram. Waiting for
 * the round regardless cost each member the whole repair delay on the testbed: three members that
 * had each lost a few different blocks waited 1 s after the pass for a round in which the
 * representative could multicast nothing, then fetched their ~1 MB from peers in 0.27 s. A member
 * whose data group is blocked skips the round, since a retransmission would not arrive either.
 *
 * <p>With a gap repair the member does not wait for the pass's end: once the pass went by a block
 * it lacks ({@link #duringPass}), the same happens for the blocks behind the pass, while it runs.
 * A datagram lost at the start of a long pass is then repaired long before its end instead of
 * after it (measured on the testbed: members spent 1.6-2.3 s in repair after a 10 s pass that
 * had lost them 1-10 MB at its start). At the pass's end ({@link #afterPass}) the same repair
 * goes on, or starts, for the rest of the package.
 *
 * <p>Sans-IO like the session: time comes with each call, NAKs leave through {@link Naks}.
 */
public final class RepairPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(RepairPlanner.class);
    /** NAK ranges per message, so that a NAK fits one datagram. */
    public static final int MAX_NAK_RANGES = 64;

    /** How this agent is completing its copy. */
    public enum Mode {
        /** Nothing to repair yet: the pass runs, or nothing is missing. */
        IDLE,
        /** No gap repair installed: NAKs for every missing chunk, every NAK interval. */
        NAKING,
        /**
         * The gap repair runs (from when the pass went by a missing block or ended, at once on a
         * blocked data group, or beside a representative's download); blocks a NAK round may bring
         * wait the repair delay within it.
         */
        GAP_REPAIR
    }

    /** Where the planner's NAKs go: the session adds its id and multicasts them. */
    @FunctionalInterface
    public interface Naks {
        /**
         * @param nak the NAK's ranges (and its round flag); the session id is the caller's to set
         */
        void send(Nak.Builder nak);
    }

    private final String taskId;
    private final GapRepairFactory factory;
    private final RepairContext context;
    private final Supplier<PeerTransfer> transfer;
    private final Naks naks;
    private final RandomGenerator random;
    private final long nakIntervalNs;
    private final long repairDelayNs;
    private final StateMachine<Mode> mode;
    // Agents that must lack a block before the representative's round multicasts it again.
    private int nakThreshold = 1;
    private GapRepair repair;
    private BlockBitmap roundBlocks;
    private long nakRoundAtNs;
    private long nextNakNs;
    private long stoppedBytesFromPeers;
    private long stoppedBytesFromOrigin;
    private boolean startedBesideDownload;
    // The gap repair takes only blocks below this: during the pass, those it went by.
    private int horizon = Integer.MAX_VALUE;
    // Whether the gap repair was started during the pass and the pass still runs.
    private boolean inPass;
    // During the pass, the member lost datagrams lately: repair waits, not to compete with the pass.
    private boolean lossy;
    // Blocks a NAK round asked to be multicast again, kept from the gap repair until heldBackUntilNs.
    private BlockBitmap heldBack;
    private long heldBackUntilNs;
    // Without a gap repair: the parity NAKs, block by block, once the pass is over.
    private final ParityNaks parityNaks;
    private boolean parityNaking;
    // Chunk NAKs (no parity kept): whether the first one's random back-off was drawn.
    private boolean chunkNakBackoff;
    // With a gap repair: blocks got more than half of are asked for by parity first (an experiment).
    private boolean parityFirst;
    private ParityRecovery parity;

    /**
     * @param taskId the task, for log lines
     * @param factory the gap repair to run, or null to rely on NAKs alone
     * @param context what a gap repair may see of the session
     * @param transfer the transfer a gap repair moves bytes with, asked when one starts
     * @param naks where NAKs go
     * @param random back-off jitter; seeded in simulations
     * @param nakInterval how often NAKs repeat without a gap repair
     * @param repairDelay how long the gap repair leaves a block to the NAK round's retransmission
     */
    public RepairPlanner(String taskId, GapRepairFactory factory, RepairContext context, Supplier<PeerTransfer> transfer,
                         Naks naks, RandomGenerator random, Duration nakInterval, Duration repairDelay) {
        this.taskId = taskId;
        this.factory = factory;
        this.context = context;
        this.transfer = transfer;
        this.naks = naks;
        this.random = random;
        this.nakIntervalNs = nakInterval.toNanos();
        this.repairDelayNs = repairDelay.toNanos();
        this.parityNaks = new ParityNaks(nakIntervalNs, random);
        this.mode = StateMachine.builder("task " + taskId + " repair", LOG, Mode.IDLE)
                .allow(Mode.IDLE, Mode.NAKING, Mode.GAP_REPAIR)
                .allow(Mode.NAKING, Mode.IDLE)
                .allow(Mode.GAP_REPAIR, Mode.IDLE)
                .build();
    }

    /**
     * With a gap repair: whether the blocks this member got more than half of are first asked for
     * by parity NAKs (once each, suppressed like any parity NAK) and held back from the gap repair
     * for the repair delay, so that one parity burst repairs the scattered loss of every member.
     *
     * @param value true to ask for parity first
     */
    public void parityBeforeGapRepair(boolean value) {
        this.parityFirst = value;
    }

    /**
     * With a gap repair: the session's NAK threshold, so that a block is held back for the NAK
     * round only when the representative would multicast it again (see the class comment).
     *
     * @param agents agents that must lack a block before a round multicasts it again; 1, the
     *     default, holds back every block the round asks for
     */
    public void nakThreshold(int agents) {
        if (agents < 1) {
            throw new IllegalArgumentException("NAK threshold must be at least 1: " + agents);
        }
        this.nakThreshold = agents;
    }

    /**
     * The parity this member holds, for the parity NAKs that {@link #duringPass} and
     * {@link #afterPass} schedule ({@link #doWork} is given it each time).
     *
     * @param held the member's parity for the current cache entry, or null
     */
    public void useParity(ParityRecovery held) {
        this.parity = held;
    }

    /** @return whether a gap repair is installed (without one, the origin is a member's only unicast source) */
    public boolean hasGapRepair() {
        return factory != null;
    }

    /** @return the current mode */
    public Mode mode() {
        return mode.state();
    }

    /**
     * @return whether a gap repair is running after the pass (a member repairing from peers then
     *     needs no representative); one running during the pass does not count
     */
    public boolean isRunning() {
        return repair != null && !inPass;
    }

    /** @return whether a gap repair begun during the pass runs while the pass does */
    public boolean repairingDuringPass() {
        return inPass && repair != null;
    }

    /**
     * Whether the gap repair may take a block now: during the pass only a block the pass went by,
     * and not one a NAK round asked to be multicast again until the round had its time.
     *
     * @param block a block
     * @return whether to repair it now
     */
    public boolean repairable(int block) {
        return block < horizon && !(inPass && lossy) && (heldBack == null || !heldBack.get(block));
    }

    /**
     * The pass runs and went by {@code passedBlocks} blocks: what is missing below that will not
     * come from it. Starts the gap repair for those blocks (a NAK round first asks the
     * representative to multicast again the blocks this member got at most half of), or moves the
     * running one's horizon. Does nothing without a gap repair, whose NAKs wait for the pass's end.
     *
     * @param store the cache entry
     * @param tracker chunks of partial blocks, or null
     * @param passedBlocks blocks, from the first, that the pass went by (with a margin for what
     *     is still on its way)
     * @param lossyLately whether this member lost 1% or more of its last loss window, on the way
     *     (a congested link) or at its own socket (a busy host): repair during the pass then
     *     waits, since it would compete with the pass for that link or that CPU and lose more of
     *     it (repair after the pass does not wait)
     * @param nowNs current time
     */
    public void duringPass(BlockFile store, ChunkTracker tracker, int passedBlocks, boolean lossyLately, long nowNs) {
        if (factory == null || store == null) {
            return;
        }
        lossy = lossyLately;
        if (lossyLately) {
            return;
        }
        int passed = Math.min(passedBlocks, store.layout().blockCount());
        if (mode.is(Mode.IDLE) && !startedBesideDownload) {
            int missing = store.nextMissingBlock(0);
            if (missing < 0 || missing >= passed) {
                return;
            }
            inPass = true;
            horizon = 0;
            holdBackRound(store, tracker, passed, nowNs);
            startGapRepair(nowNs, "the pass went by blocks that are missing here");
        } else if (inPass && passed > horizon) {
            holdBackRound(store, tracker, passed, nowNs);
        }
    }

    /**
     * Adds the blocks from the horizon up to {@code end} that this member got at most half of to
     * the next NAK round and holds back from the gap repair, for the repair delay, those whose
     * retransmission can come (and, with parity first, the rest); moves the horizon to {@code end}.
     */
    private void holdBackRound(BlockFile store, ChunkTracker tracker, int end, long nowNs) {
        int from = Math.max(0, horizon);
        horizon = end;
        for (int block = store.nextMissingBlock(from); block >= 0 && block < end; block = store.nextMissingBlock(block + 1)) {
            if (asksParityFirst(store, tracker) && !mostlyMissing(tracker, block)) {
                parityNaks.once(block, parity.need(tracker, block), nowNs);
                holdBack(store, block, nowNs);
            } else if (mostlyMissing(tracker, block)) {
                if (roundBlocks == null) {
                    roundBlocks = new BlockBitmap(store.layout().blockCount());
                    nakRoundAtNs = nowNs + randomBackoffNs();
                }
                roundBlocks.set(block);
                if (retransmissionCanCome(block)) {
                    holdBack(store, block, nowNs);
                }
            }
        }
    }

    /** Keeps a block from the gap repair for the repair delay, its multicast's time. */
    private void holdBack(BlockFile store, int block, long nowNs) {
        if (heldBack == null) {
            heldBack = new BlockBitmap(store.layout().blockCount());
        }
        heldBack.set(block);
        heldBackUntilNs = nowNs + repairDelayNs;
    }

    /**
     * Whether a round NAK can bring a block by multicast: the representative multicasts again only
     * what at least {@link #nakThreshold} agents lack by its directory, which does not hold the
     * representative itself ({@code PassSender.evaluateRound}). This member judges by its own
     * directory, the same adverts: itself once (its own adverts are dropped on arrival, but a
     * directory filled otherwise may list it), and every other agent but the representative that
     * does not advertise the block. Without a directory it cannot tell, and holds the block back.
     */
    private boolean retransmissionCanCome(int block) {
        PeerDirectory peers = context == null ? null : context.peers();
        if (nakThreshold <= 1 || peers == null) {
            return true;
        }
        long self = context.selfNodeId();
        long representative = context.representativeNodeId();
        int lacking = 1; // this member
        for (PeerDirectory.Peer peer : peers.peers()) {
            if (peer.nodeId() != self && peer.nodeId() != representative && !peer.holds(block)
                    && ++lacking >= nakThreshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * After the pass ended with blocks missing: NAKs, or the gap repair (started now, or gone on
     * since the pass went by a missing block) for the rest of the package, with a NAK round for
     * what the pass left mostly missing.
     *
     * @param store the cache entry
     * @param tracker chunks of partial blocks, or null
     * @param nowNs current time
     */
    public void afterPass(BlockFile store, ChunkTracker tracker, long nowNs) {
        if (factory == null) {
            if (mode.is(Mode.IDLE)) {
                mode.to(Mode.NAKING, nowNs, "pass over, no gap repair: NAKs");
            }
            // Work at once: parity NAKs order their back-off by need from the pass's end, which
            // every member hears at about the same time; chunk NAKs draw theirs on that first call.
            nextNakNs = nowNs;
            chunkNakBackoff = false;
            if (store != null) {
                parityNaks.prepare(store.layout().blockCount());
            }
            return;
        }
        if (store == null) {
            return;
        }
        boolean goesOn = inPass && mode.is(Mode.GAP_REPAIR);
        if (!goesOn && !mode.is(Mode.IDLE)) {
            return;
        }
        // The rest of the package is the gap repair's now, but for what a round can bring: the
        // repair starts at once, without waiting the repair delay for a round that may send nothing.
        if (!goesOn) {
            horizon = 0;
        }
        holdBackRound(store, tracker, store.layout().blockCount(), nowNs);
        horizon = Integer.MAX_VALUE;
        inPass = false;
        if (goesOn) {
            LOG.debug("task {}: pass over; the gap repair begun during it goes on", taskId);
        } else {
            startGapRepair(nowNs, heldBack == null ? "pass over: no retransmission to wait for"
                    : "pass over: what a retransmission can bring waits the repair delay, the rest is repaired now");
        }
    }

    /**
     * The data group is blocked here: the gap repair starts now, without a NAK round.
     *
     * @param nowNs current time
     * @param why for the log
     */
    public void fallBack(long nowNs, String why) {
        if (factory == null) {
            throw new IllegalStateException("no gap repair to fall back to");
        }
        if (mode.is(Mode.IDLE)) {
            startGapRepair(nowNs, why);
        }
        // The multicast does not arrive: nothing waits for the pass or for a retransmission.
        roundBlocks = null;
        horizon = Integer.MAX_VALUE;
        inPass = false;
        lossy = false;
        heldBack = null;
    }

    /**
     * The representative's gap repair, beside its origin download: the blocks peers hold or it holds
     * in part. Starts once per agent: a representative's later terms fetch from the origin alone.
     *
     * @param nowNs current time
     */
    public void startBesideDownload(long nowNs) {
        if (factory != null && mode.is(Mode.IDLE) && !startedBesideDownload) {
            startedBesideDownload = true;
            startGapRepair(nowNs, "representative: peers hold part of the package");
        }
    }

    /**
     * Stops a gap repair begun during the pass (the agent became the representative, whose own
     * download and repair take over); one begun after it goes on.
     *
     * @param nowNs current time
     */
    public void endRepairDuringPass(long nowNs) {
        if (inPass) {
            stop(nowNs, "this agent became the representative");
        }
    }

    private void startGapRepair(long nowNs, String why) {
        mode.to(Mode.GAP_REPAIR, nowNs, why);
        repair = factory.create(context, transfer.get());
        repair.start(nowNs);
    }

    /**
     * A member's round NAK asked for these blocks: this agent does not ask for them again.
     *
     * @param nak a round NAK of the session; hostile ranges are ignored
     * @param ranges how many of its ranges to read
     */
    public void suppress(Nak nak, int ranges) {
        int requests = Math.min(nak.getParityCount(), MAX_NAK_RANGES);
        for (int i = 0; i < requests; i++) {
            parityNaks.heard(nak.getParity(i).getBlock(), nak.getParity(i).getCount());
        }
        if (roundBlocks == null || !nak.getRound()) {
            return;
        }
        for (int i = 0; i < ranges; i++) {
            int block = nak.getRanges(i).getBlock();
            if (block >= 0 && block < roundBlocks.size()) {
                roundBlocks.clear(block);
            }
        }
    }

    /**
     * Runs what is due: NAKs, the NAK round, the gap repair's timers and requests.
     *
     * @param store the cache entry
     * @param tracker chunks of partial blocks, or null
     * @param canNak whether the agent is in a session to NAK to
     * @param nowNs current time
     */
    public void doWork(BlockFile store, ChunkTracker tracker, boolean canNak, long nowNs) {
        doWork(store, tracker, null, canNak, nowNs);
    }

    /**
     * Runs what is due: NAKs (for parity when {@code parity} is given), the NAK round, the gap
     * repair's timers and requests.
     *
     * @param store the cache entry
     * @param tracker chunks of partial blocks, or null
     * @param parity the parity this member holds, or null to NAK chunk ranges instead
     * @param canNak whether the agent is in a session to NAK to
     * @param nowNs current time
     */
    public void doWork(BlockFile store, ChunkTracker tracker, ParityRecovery parity, boolean canNak, long nowNs) {
        if (parity != null) {
            this.parity = parity;
        }
        if (heldBack != null && nowNs - heldBackUntilNs >= 0) {
            heldBack = null; // the round's retransmissions had their time: the rest is the gap repair's
        }
        // The round is due once, even if the gap repair started before it (a repair delay shorter
        // than the round's back-off).
        if (roundBlocks != null && nowNs - nakRoundAtNs >= 0) {
            if (canNak) {
                sendRoundNak(store);
            }
            roundBlocks = null;
        }
        if (parityFirst && parity != null && store != null && tracker != null && !mode.is(Mode.NAKING)) {
            parityNaks.doWork(store, tracker, parity, canNak, naks, nowNs);
        }
        switch (mode.state()) {
            case IDLE -> {
            }
            case NAKING -> {
                if (parity != null && store != null && tracker != null) {
                    if (!parityNaking) {
                        parityNaking = true;
                        parityNaks.start(store, tracker, parity, nowNs);
                    }
                    parityNaks.doWork(store, tracker, parity, canNak, naks, nowNs);
                    nextNakNs = parityNaks.nextWakeNs();
                } else if (!chunkNakBackoff) {
                    chunkNakBackoff = true;
                    nextNakNs = nowNs + randomBackoffNs();
                } else if (nowNs - nextNakNs >= 0) {
                    sendNak(store, tracker);
                    nextNakNs = nowNs + nakIntervalNs + randomBackoffNs();
                }
            }
            case GAP_REPAIR -> repair.doWork(nowNs);
            default -> throw new IllegalStateException(mode.state().name());
        }
    }

    /**
     * @param nowNs current time
     * @return when {@link #doWork} next has something to do
     */
    public long nextWakeNs(long nowNs) {
        long round = roundBlocks != null ? nakRoundAtNs : Long.MAX_VALUE;
        if (parityFirst && !mode.is(Mode.NAKING)) {
            round = Math.min(round, parityNaks.nextWakeNs());
        }
        return switch (mode.state()) {
            case IDLE -> Long.MAX_VALUE;
            case NAKING -> nextNakNs;
            case GAP_REPAIR -> Math.min(Math.min(round, repair.nextWakeNs(nowNs)),
                    heldBack != null ? heldBackUntilNs : Long.MAX_VALUE);
        };
    }

    /**
     * @param block a block
     * @return whether the gap repair fetches it (the multicast then leaves it alone)
     */
    public boolean isFetching(int block) {
        return repair != null && repair.isFetching(block);
    }

    /**
     * Stops NAKs and the gap repair: the session was left, or its cache entry replaced.
     *
     * @param nowNs current time
     * @param why for the log
     */
    public void stop(long nowNs, String why) {
        if (repair != null) {
            repair.stop();
            stoppedBytesFromPeers += repair.bytesFromPeers();
            stoppedBytesFromOrigin += repair.bytesFromOrigin();
            repair = null;
        }
        roundBlocks = null;
        heldBack = null;
        horizon = Integer.MAX_VALUE;
        inPass = false;
        parityNaks.stop();
        parityNaking = false;
        if (!mode.is(Mode.IDLE)) {
            mode.to(Mode.IDLE, nowNs, why);
        }
    }

    /** @return verified bytes the gap repairs got from peers, the running one included */
    public long bytesFromPeers() {
        return stoppedBytesFromPeers + (repair == null ? 0 : repair.bytesFromPeers());
    }

    /** @return verified bytes the gap repairs got from the origin, the running one included */
    public long bytesFromOrigin() {
        return stoppedBytesFromOrigin + (repair == null ? 0 : repair.bytesFromOrigin());
    }

    /** The round NAK: wholly missing blocks nobody else asked for yet. */
    private void sendRoundNak(BlockFile store) {
        Nak.Builder nak = Nak.newBuilder().setRound(true);
        for (int block = roundBlocks.nextSet(0); block >= 0 && nak.getRangesCount() < MAX_NAK_RANGES;
                block = roundBlocks.nextSet(block + 1)) {
            if (!store.hasBlock(block)) {
                nak.addRanges(ChunkRange.newBuilder().setBlock(block).setOffset(0)
                        .setLength(store.layout().lengthOf(block)));
            }
        }
        if (nak.getRangesCount() > 0) {
            LOG.debug("task {}: NAK round for {} block ranges from block {}", taskId, nak.getRangesCount(),
                    nak.getRanges(0).getBlock());
            naks.send(nak);
        }
    }

    /** A NAK for every missing chunk, up to one message's worth. */
    private void sendNak(BlockFile store, ChunkTracker tracker) {
        if (store == null || tracker == null) {
            return;
        }
        Nak.Builder nak = Nak.newBuilder();
        for (int block = store.nextMissingBlock(0); block >= 0 && nak.getRangesCount() < MAX_NAK_RANGES;
                block = store.nextMissingBlock(block + 1)) {
            int missingBlock = block;
            tracker.forEachMissingRun(block, (offset, length) -> {
                nak.addRanges(ChunkRange.newBuilder().setBlock(missingBlock).setOffset(offset).setLength(length));
                return nak.getRangesCount() < MAX_NAK_RANGES;
            });
        }
        if (nak.getRangesCount() > 0) {
            naks.send(nak);
        }
    }

    /** Whether parity NAKs go first, for this cache entry: the option is on and the member's parity is known. */
    private boolean asksParityFirst(BlockFile store, ChunkTracker tracker) {
        if (!parityFirst || parity == null || tracker == null) {
            return false;
        }
        parityNaks.prepare(store.layout().blockCount());
        return true;
    }

    /**
     * Whether a missing block is one for the NAK round: missed mostly or wholly (a burst, a late
     * join), what several members tend to lack together and is cheap by multicast. A chunk lost
     * here and there is the gap repair's.
     */
    private static boolean mostlyMissing(ChunkTracker tracker, int block) {
        return tracker == null || 2 * tracker.chunksHeld(block) <= tracker.chunksIn(block);
    }

    private long randomBackoffNs() {
        return random.nextLong(Math.max(1, nakIntervalNs / 2));
    }
}
