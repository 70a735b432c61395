package io.subnetcast.repair;

import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.GapRepair;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.repair.RepairContext;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a cache entry from peers, block by block, without doing I/O itself.
 *
 * <p>For each missing block it asks one holder for exactly the chunks still missing (a block that
 * multicast delivered in part costs only its gaps). The holder is the reachable, unbanned peer with
 * the least bytes served and in flight among up to {@value #CANDIDATES} holders drawn at random
 * (all of them on a smaller subnet), ties broken at random, so load spreads over every holder and
 * the representative serves no more than its share. A block is written as present only after it
 * verifies against its SHA-256 (from the session's manifest; if some were missed, the
 * representative's manifest is fetched first): a peer whose bytes fail is dropped for the session at
 * once, a peer that stalls or fails gets a strike and is dropped after
 * {@link PeerRepairConfig#maxStrikes()}, and the block is asked from someone else. Only a block
 * that no reachable peer holds is fetched from the origin, and only when the session allows it
 * ({@link RepairContext#originAllowed(int, long)}); a representative that served bad bytes
 * no longer counts as the source every block will come from.
 *
 * <p>All methods run on the agent's thread, and transfer results arrive on it, with the time.
 */
public final class PeerRepairer implements GapRepair {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRepairer.class);
    private static final long RETRY_NS = 50_000_000L;
    /**
     * Holders (or part holders) a block start looks at, drawn at random: the least loaded of a few
     * random choices, not of every peer, so that a block start costs the same on a subnet of ten
     * or of a thousand agents (scanning every peer for every block, at every retry while holders
     * were busy, made a thousand agents' repair of 64 MiB run for hours in simulation).
     */
    static final int CANDIDATES = 16;

    private final RepairContext context;
    private final PeerTransfer transfer;
    private final PeerRepairConfig config;
    private final RandomGenerator random;
    private final Map<Integer, Job> jobs = new HashMap<>();
    private final Map<Long, PeerState> peers = new HashMap<>();
    private final Map<Integer, Set<Long>> refused = new HashMap<>();
    private final List<PeerTransfer.Cancel> partsFetches = new ArrayList<>();
    // Blocks whose parts were asked of a peer that held them in part: the rest is the origin's.
    private BlockBitmap partsTried;
    private int cursor;
    private boolean started;
    private boolean stopped;
    private boolean waiting;
    private long bytesFromPeers;
    private long bytesFromOrigin;
    private ManifestState manifest = ManifestState.UNKNOWN;
    private PeerTransfer.Cancel manifestCancel;

    private enum ManifestState { UNKNOWN, NOT_NEEDED, FETCHING, DONE, UNAVAILABLE }

    /** What this repair knows of the parts a peer's older version held (see {@link #startFromPartHolder}). */
    private enum PartsState { UNKNOWN, FETCHING, KNOWN, UNAVAILABLE }

    /** What this repair knows of one peer. */
    private static final class PeerState {
        int inFlight;
        int strikes;
        boolean banned;
        boolean corrupt;
        long bytesServed;
        PartsState parts = PartsState.UNKNOWN;
        VouchedUnits unitsHeld;
    }

    /** One block being repaired from one source. */
    private final class Job {
        final int block;
        final long peerId;
        final boolean fromOrigin;
        final long deadlineNs;
        // Whether this job fetches every byte of the block, so that a failed check is its source's fault.
        boolean whole;
        // Whether it fetches only the parts a peer's older version held; the rest comes from the origin.
        boolean partial;
        // Whether the chunks it recorded completed the block's chunks.
        boolean chunksComplete;
        final List<PeerTransfer.Cancel> cancels = new ArrayList<>();
        int pendingRuns;
        long bytesAsked;
        long bytes;
        boolean awaitingManifest;
        boolean ended;

        Job(int block, long peerId, boolean fromOrigin, long deadlineNs) {
            this.block = block;
            this.peerId = peerId;
            this.fromOrigin = fromOrigin;
            this.deadlineNs = deadlineNs;
        }
    }

    /**
     * @param context the agent's session
     * @param transfer how bytes move
     * @param config limits
     * @param random tie-breaks between equally loaded holders
     */
    public PeerRepairer(RepairContext context, PeerTransfer transfer, PeerRepairConfig config, RandomGenerator random) {
        this.context = context;
        this.transfer = transfer;
        this.config = config;
        this.random = random;
    }

    @Override
    public void start(long nowNs) {
        started = true;
        doWork(nowNs);
    }

    @Override
    public void doWork(long nowNs) {
        if (!started || stopped) {
            return;
        }
        BlockFile store = context.store();
        if (store.isComplete()) {
            return;
        }
        ensureManifest();
        expire(nowNs);
        schedule(nowNs);
    }

    @Override
    public long nextWakeNs(long nowNs) {
        if (!started || stopped || context.store().isComplete()) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (Job job : jobs.values()) {
            if (!job.awaitingManifest) {
                next = Math.min(next, job.deadlineNs);
            }
        }
        if (waiting || jobs.size() < config.maxConcurrentBlocks()) {
            next = Math.min(next, nowNs + RETRY_NS);
        }
        return next;
    }

    @Override
    public void stop() {
        stopped = true;
        for (Job job : new ArrayList<>(jobs.values())) {
            end(job);
        }
        if (manifestCancel != null) {
            manifestCancel.cancel();
        }
        partsFetches.forEach(PeerTransfer.Cancel::cancel);
    }

    @Override
    public boolean isFetching(int block) {
        return !jobs.isEmpty() && jobs.containsKey(block);
    }

    @Override
    public long bytesFromPeers() {
        return bytesFromPeers;
    }

    @Override
    public long bytesFromOrigin() {
        return bytesFromOrigin;
    }

    /** @return peers dropped for the session */
    public int bannedPeers() {
        return (int) peers.values().stream().filter(p -> p.banned).count();
    }

    /**
     * @param nodeId a peer
     * @return whether it was dropped for the session
     */
    public boolean isBanned(long nodeId) {
        PeerState state = peers.get(nodeId);
        return state != null && state.banned;
    }

    // ------------------------------------------------------------ scheduling

    private void schedule(long nowNs) {
        BlockFile store = context.store();
        int blockCount = store.layout().blockCount();
        waiting = false;
        int scanned = 0;
        int block = store.nextMissingBlock(cursor);
        if (block < 0) {
            block = store.nextMissingBlock(0);
        }
        // Look at a bounded number of candidates per tick, round-robin over the missing blocks.
        int limit = Math.min(blockCount, Math.max(64, config.maxConcurrentBlocks() * 8));
        int first = -1;
        while (block >= 0 && block != first && jobs.size() < config.maxConcurrentBlocks() && scanned < limit) {
            if (first < 0) {
                first = block;
            }
            scanned++;
            if (!jobs.containsKey(block) && context.repairable(block)) {
                startBlock(block, nowNs);
            }
            int next = store.nextMissingBlock(block + 1);
            block = next >= 0 ? next : store.nextMissingBlock(0);
        }
        cursor = block < 0 ? 0 : block;
    }

    private void startBlock(int block, long nowNs) {
        PeerDirectory.Peer holder = chooseHolder(block, nowNs);
        URI source;
        Job job;
        if (holder != null) {
            source = holder.repairUrl();
            job = new Job(block, holder.nodeId(), false, nowNs + config.requestTimeout().toNanos());
            state(holder.nodeId()).inFlight++;
        } else if (startFromPartHolder(block, nowNs)) {
            return;
        } else if (!waiting && config.useOrigin() && originAllowed(block, nowNs) && noReachableHolder(block, nowNs)) {
            source = context.task().origin();
            job = new Job(block, 0, true, nowNs + config.requestTimeout().toNanos());
            LOG.debug("task {}: no reachable peer holds block {}; asking the origin", context.task().taskId(), block);
        } else {
            return;
        }
        jobs.put(block, job);
        BlockLayout layout = context.store().layout();
        long blockOffset = layout.offsetOf(block);
        ChunkTracker tracker = context.tracker();
        if (tracker == null) {
            request(job, source, blockOffset, 0, layout.lengthOf(block));
        } else {
            // After a part holder's runs, what the origin gives is what that peer's older version lacked.
            boolean peersLackIt = job.fromOrigin && partsTried != null && partsTried.get(block);
            tracker.forEachMissingRun(block, (runOffset, runLength) -> {
                if (peersLackIt) {
                    context.fetchingWhatPeersLack(block, runOffset, runLength);
                }
                return request(job, source, blockOffset, runOffset, runLength);
            });
        }
        job.whole = job.pendingRuns == 1 && job.bytesAsked == layout.lengthOf(block);
    }

    /** Asks the source for one missing run of the job's block. */
    private boolean request(Job job, URI source, long blockOffset, int runOffset, int runLength) {
        job.pendingRuns++;
        job.bytesAsked += runLength;
        job.cancels.add(transfer.fetch(source, blockOffset + runOffset, runLength, context.store(),
                (outcome, detail, nowNs) -> onRunDone(job, runOffset, runLength, outcome, detail, nowNs)));
        return true;
    }

    /**
     * A block no peer holds whole may be held in part by a peer whose older version of the package
     * held most of it (a representative without that version, its members with it): the chunks
     * inside the delta units that peer vouched for come from it, the rest then from the origin as
     * ranges, so that the origin serves only what nobody on the subnet holds.
     *
     * @return whether the block was given to such a peer, or waits for what one holds to be known
     */
    private boolean startFromPartHolder(int block, long nowNs) {
        PeerDirectory directory = context.peers();
        ChunkTracker tracker = context.tracker();
        if (directory == null || tracker == null || (partsTried != null && partsTried.get(block))) {
            return false;
        }
        Set<Long> refusedHere = refused.get(block);
        for (PeerDirectory.Peer peer : directory.partHoldersOf(block, freshSince(nowNs),
                CANDIDATES, random)) {
            PeerState state = state(peer.nodeId());
            if (peer.nodeId() == context.selfNodeId() || state.banned
                    || (refusedHere != null && refusedHere.contains(peer.nodeId()))) {
                continue;
            }
            if (state.parts == PartsState.UNKNOWN) {
                fetchParts(peer, state);
            }
            if (state.parts == PartsState.FETCHING || (state.parts == PartsState.KNOWN && state.inFlight >= config.maxPerPeer())) {
                waiting = true;
                return true;
            }
            long blockOffset = context.store().layout().offsetOf(block);
            int[] runs = state.parts == PartsState.KNOWN ? heldRuns(block, blockOffset, state.unitsHeld, tracker) : new int[0];
            if (runs.length == 0) {
                continue;
            }
            if (partsTried == null) {
                partsTried = new BlockBitmap(context.store().layout().blockCount());
            }
            partsTried.set(block);
            Job job = new Job(block, peer.nodeId(), false, nowNs + config.requestTimeout().toNanos());
            job.partial = true;
            state.inFlight++;
            jobs.put(block, job);
            for (int i = 0; i < runs.length; i += 2) {
                request(job, peer.repairUrl(), blockOffset, runs[i], runs[i + 1]);
            }
            return true;
        }
        return false;
    }

    private void fetchParts(PeerDirectory.Peer peer, PeerState state) {
        state.parts = PartsState.FETCHING;
        partsFetches.add(transfer.fetchUnitsHeld(peer.repairUrl(), context.store().layout(), (units, nowNs) -> {
            state.unitsHeld = units;
            state.parts = units == null ? PartsState.UNAVAILABLE : PartsState.KNOWN;
            doWork(nowNs);
        }));
    }

    /**
     * @return the runs of missing chunks of the block that lie wholly inside vouched units, as
     *     (offset in block, length) pairs
     */
    private static int[] heldRuns(int block, long blockOffset, VouchedUnits units, ChunkTracker tracker) {
        int chunkSize = tracker.chunkSize();
        int[][] runs = {new int[8]};
        int[] count = {0};
        tracker.forEachMissingRun(block, (runOffset, runLength) -> {
            int runEnd = runOffset + runLength;
            int start = -1;
            for (int offset = runOffset; offset < runEnd; offset += chunkSize) {
                int end = Math.min(offset + chunkSize, runEnd);
                boolean held = units.covers(blockOffset + offset, blockOffset + end);
                if (held && start < 0) {
                    start = offset;
                }
                if (start >= 0 && (!held || end == runEnd)) {
                    if (count[0] == runs[0].length) {
                        runs[0] = Arrays.copyOf(runs[0], runs[0].length * 2);
                    }
                    runs[0][count[0]++] = start;
                    runs[0][count[0]++] = (held ? end : offset) - start;
                    start = -1;
                }
            }
            return true;
        });
        return Arrays.copyOf(runs[0], count[0]);
    }

    /**
     * @return peers heard from at or after this time are asked: the configured freshness, longer
     *     in a session whose adverts come further apart than that
     */
    private long freshSince(long nowNs) {
        return nowNs - Math.max(config.peerFreshness().toNanos(), context.advertGapNs(nowNs));
    }

    private PeerDirectory.Peer chooseHolder(int block, long nowNs) {
        PeerDirectory directory = context.peers();
        if (directory == null) {
            return null;
        }
        Set<Long> refusedHere = refused.get(block);
        PeerDirectory.Peer best = null;
        long bestLoad = Long.MAX_VALUE;
        int bestTie = 0;
        long blockSize = context.store().layout().blockSize();
        for (PeerDirectory.Peer peer : directory.holdersOf(block, freshSince(nowNs), CANDIDATES,
                random)) {
            if (peer.nodeId() == context.selfNodeId() || (refusedHere != null && refusedHere.contains(peer.nodeId()))) {
                continue;
            }
            PeerState state = state(peer.nodeId());
            if (state.banned) {
                continue;
            }
            if (state.inFlight >= config.maxPerPeer()) {
                waiting = true; // a holder exists but is busy: wait for it rather than go to the origin
                continue;
            }
            long load = state.bytesServed + state.inFlight * blockSize;
            int tie = random.nextInt();
            if (load < bestLoad || (load == bestLoad && tie < bestTie)) {
                best = peer;
                bestLoad = load;
                bestTie = tie;
            }
        }
        return best;
    }

    private boolean originAllowed(int block, long nowNs) {
        if (context.originAllowed(block, nowNs)) {
            return true;
        }
        PeerState representative = peers.get(context.representativeNodeId());
        return representative != null && representative.corrupt;
    }

    private boolean noReachableHolder(int block, long nowNs) {
        PeerDirectory directory = context.peers();
        if (directory == null) {
            return true;
        }
        Set<Long> refusedHere = refused.get(block);
        for (PeerDirectory.Peer peer : directory.holdersOf(block, freshSince(nowNs))) {
            PeerState state = peers.get(peer.nodeId());
            boolean usable = peer.nodeId() != context.selfNodeId() && (state == null || !state.banned)
                    && (refusedHere == null || !refusedHere.contains(peer.nodeId()));
            if (usable) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------ results

    private void onRunDone(Job job, int runOffset, int runLength, PeerTransfer.Outcome outcome, String detail, long nowNs) {
        if (job.ended || stopped) {
            return;
        }
        switch (outcome) {
            case OK -> {
                job.bytes += runLength;
                ChunkTracker tracker = context.tracker();
                if (tracker != null) {
                    for (int offset = runOffset; offset < runOffset + runLength; offset += tracker.chunkSize()) {
                        job.chunksComplete |= tracker.record(job.block, offset);
                    }
                }
                if (--job.pendingRuns == 0) {
                    finish(job);
                }
            }
            case NOT_HELD -> {
                LOG.debug("task {}: {} does not hold block {}", context.task().taskId(), source(job), job.block);
                PeerDirectory.Peer peer = context.peers() == null ? null : context.peers().get(job.peerId);
                if (peer != null && !job.fromOrigin) {
                    peer.forget(job.block);
                }
                if (job.peerId != context.representativeNodeId()) {
                    refuse(job); // the representative is asked again once it advertises the block again
                }
                end(job);
            }
            case FAILED -> {
                LOG.debug("task {}: block {} from {} failed: {}", context.task().taskId(), job.block, source(job), detail);
                strike(job, false);
                end(job);
            }
            default -> throw new IllegalStateException(outcome.name());
        }
        doWork(nowNs);
    }

    private void finish(Job job) {
        BlockFile store = context.store();
        if (store.hasBlock(job.block)) {
            end(job); // the multicast filled it meanwhile
            return;
        }
        if (job.partial && !job.chunksComplete) {
            // The parts its older version held are in; the gaps are the origin's, next round.
            bytesFromPeers += job.bytes;
            state(job.peerId).bytesServed += job.bytes;
            end(job);
            return;
        }
        if (store.expectedBlockHash(job.block) == null && manifest == ManifestState.FETCHING) {
            job.awaitingManifest = true; // verify against the representative's hash, not our own
            return;
        }
        boolean verified;
        try {
            verified = store.commitBlock(job.block);
        } catch (IOException e) {
            LOG.warn("task {}: cannot commit block {}: {}", context.task().taskId(), job.block, e.getMessage());
            end(job);
            return;
        }
        if (verified) {
            if (job.fromOrigin) {
                bytesFromOrigin += job.bytes;
            } else {
                bytesFromPeers += job.bytes;
                state(job.peerId).bytesServed += job.bytes;
            }
        } else if (!job.whole) {
            // Its other chunks came from the multicast, and any of them may be the bad one: a strike
            // like a stall rather than a ban, and the block is fetched whole, from one source that
            // then answers for every byte.
            LOG.debug("task {}: block {} failed verification with chunks from {} and the multicast; fetching it whole",
                    context.task().taskId(), job.block, source(job));
            if (context.tracker() != null) {
                context.tracker().forget(job.block);
            }
            strike(job, false);
        } else {
            boolean alreadyDropped = !job.fromOrigin && state(job.peerId).banned;
            if (!alreadyDropped) {
                LOG.warn("task {}: block {} from {} failed verification{}", context.task().taskId(), job.block,
                        source(job), job.fromOrigin ? "" : "; the peer is dropped for this session");
            }
            if (context.tracker() != null) {
                context.tracker().forget(job.block); // every chunk is suspect now: fetch the whole block again
            }
            strike(job, true);
        }
        end(job);
    }

    private void expire(long nowNs) {
        for (Job job : new ArrayList<>(jobs.values())) {
            if (!job.awaitingManifest && nowNs - job.deadlineNs >= 0) {
                LOG.debug("task {}: block {} from {} stalled", context.task().taskId(), job.block, source(job));
                strike(job, false);
                end(job);
            }
        }
    }

    /**
     * A failure or stall counts against a peer, and enough of them drop it. The representative is
     * dropped only for bad bytes: it is the one source that holds or will hold every block, and a
     * failure there under load is no reason to send this member to the origin instead.
     */
    private void strike(Job job, boolean corrupt) {
        if (job.fromOrigin) {
            return;
        }
        boolean representative = job.peerId == context.representativeNodeId();
        if (corrupt || !representative) {
            refuse(job);
        }
        PeerState state = state(job.peerId);
        state.strikes++;
        if (corrupt || (state.strikes >= config.maxStrikes() && !representative)) {
            if (!state.banned) {
                LOG.info("task {}: peer {} dropped for this session ({})", context.task().taskId(),
                        Long.toHexString(job.peerId), corrupt ? "served bytes that failed verification" : "too many failures");
            }
            state.banned = true;
            state.corrupt |= corrupt;
        }
    }

    private void refuse(Job job) {
        if (!job.fromOrigin) {
            refused.computeIfAbsent(job.block, b -> new HashSet<>()).add(job.peerId);
        }
    }

    private void end(Job job) {
        if (job.ended) {
            return;
        }
        job.ended = true;
        for (PeerTransfer.Cancel cancel : job.cancels) {
            cancel.cancel();
        }
        jobs.remove(job.block, job);
        if (!job.fromOrigin) {
            PeerState state = peers.get(job.peerId);
            if (state != null) {
                state.inFlight--;
            }
        }
    }

    // ------------------------------------------------------------ manifest

    /**
     * Blocks whose hash this agent missed (a lost manifest datagram) would only be checked by the
     * whole-file hash; fetch the representative's manifest so every repaired block is verified.
     */
    private void ensureManifest() {
        if (manifest != ManifestState.UNKNOWN) {
            return;
        }
        BlockFile store = context.store();
        boolean needed = false;
        for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
            if (store.expectedBlockHash(block) == null) {
                needed = true;
                break;
            }
        }
        URI source = context.representativeUrl();
        if (!needed) {
            manifest = ManifestState.NOT_NEEDED;
            return;
        }
        if (source == null) {
            manifest = ManifestState.UNAVAILABLE;
            return;
        }
        manifest = ManifestState.FETCHING;
        manifestCancel = transfer.fetchManifest(source, store.layout().blockCount(),
                this::onManifest);
    }

    private void onManifest(byte[] hashes, long nowNs) {
        if (stopped || manifest != ManifestState.FETCHING) {
            return;
        }
        BlockFile store = context.store();
        int blockCount = store.layout().blockCount();
        if (hashes == null || hashes.length != blockCount * BlockHashes.SHA256_LENGTH) {
            manifest = ManifestState.UNAVAILABLE;
        } else {
            manifest = ManifestState.DONE;
            try {
                for (int block = 0; block < blockCount; block++) {
                    byte[] hash = new byte[BlockHashes.SHA256_LENGTH];
                    System.arraycopy(hashes, block * BlockHashes.SHA256_LENGTH, hash, 0, hash.length);
                    store.expectBlockHash(block, hash);
                }
            } catch (IOException e) {
                LOG.warn("task {}: cannot record the manifest: {}", context.task().taskId(), e.getMessage());
            }
        }
        for (Job job : new ArrayList<>(jobs.values())) {
            if (job.awaitingManifest) {
                job.awaitingManifest = false;
                finish(job);
            }
        }
        doWork(nowNs);
    }

    private PeerState state(long nodeId) {
        return peers.computeIfAbsent(nodeId, id -> new PeerState());
    }

    private String source(Job job) {
        return job.fromOrigin ? "the origin" : "peer " + Long.toHexString(job.peerId);
    }
}
