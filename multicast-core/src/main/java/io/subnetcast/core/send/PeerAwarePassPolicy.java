package io.subnetcast.core.send;

import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.BlockSender.PassDecision;
import java.util.Arrays;

/**
 * What a representative's pass does at each block, given what its members advertise: a block this
 * representative lacks but a peer holds is left to peer repair; a block every known member holds
 * is skipped; one that each member lacking it holds most of (an older version held it) is sent only
 * as the chunks this representative's own older version lacked there, or skipped when it had none
 * (their gap repair fetches the rest); anything else is sent (or waited for while it downloads). It also splits the missing
 * blocks between the origin download and repair when the term starts.
 */
final class PeerAwarePassPolicy implements BlockSender.PassPolicy {
    /** A peer's advertisement older than this (or than its session's longest advert gap) is not counted on for a block. */
    private static final long PEER_FRESHNESS_NS = 10_000_000_000L;

    private final RepresentativeHost host;
    private final RepairPlanner planner;
    // The missing blocks repair completes (held by a peer, or partly held here so that only the gaps
    // are fetched); the origin download skips them. Fixed when the download starts, since the
    // downloader reads it on its own thread. Null when the download takes every block.
    private BlockBitmap leftToRepair;
    // Decisions are asked inside the pump and judge peers' adverts at the pump's time.
    private long nowNs;
    // The chunks this representative lacked, in blocks it held in part when its download started
    // (block << 32 | chunk index, sorted): what its basis did not hold. Members that hold the same
    // older version lack the same chunks, so a block they hold most of is multicast as these only.
    private long[] ownGaps = new long[0];
    private int ownGapCount;
    private int chunkSize;

    PeerAwarePassPolicy(RepresentativeHost host, RepairPlanner planner) {
        this.host = host;
        this.planner = planner;
    }

    /** Sets the time the next decisions judge peers' advertisements at. */
    void at(long nowNs) {
        this.nowNs = nowNs;
    }

    /**
     * Fixes which missing blocks repair takes: those a peer holds, and, from an origin that serves
     * ranges, those this agent or a peer holds in part.
     *
     * @return them, or null when there are none (or no gap repair): the download takes every block
     */
    BlockBitmap splitForRepair(BlockFile store, long nowNs) {
        leftToRepair = planner.hasGapRepair() ? blocksForRepair(store, nowNs) : null;
        rememberOwnGaps(store);
        return leftToRepair;
    }

    private void rememberOwnGaps(BlockFile store) {
        ownGapCount = 0;
        ChunkTracker tracker = host.tracker();
        if (tracker == null) {
            return;
        }
        chunkSize = tracker.chunkSize();
        if (tracker.partialBlocks() == 0) {
            return;
        }
        for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
            if (tracker.chunksHeld(block) == 0) {
                continue;
            }
            int missingBlock = block;
            tracker.forEachMissingRun(block, (runOffset, runLength) -> {
                appendOwnGaps(missingBlock, runOffset, runLength);
                return true;
            });
        }
        Arrays.sort(ownGaps, 0, ownGapCount);
    }

    /**
     * Chunks of a block that members' older version held the rest of, as a representative without
     * that version learns them: repair fetches them from the origin after the member's parts. Its
     * members lack them just as they would lack its own basis's gaps.
     */
    void addOwnGaps(int block, int offsetInBlock, int length) {
        if (chunkSize <= 0 || length <= 0) {
            return;
        }
        int start = offsetInBlock - offsetInBlock % chunkSize;
        appendOwnGaps(block, start, offsetInBlock + length - start);
        Arrays.sort(ownGaps, 0, ownGapCount);
        int unique = 0;
        for (int i = 0; i < ownGapCount; i++) {
            if (unique == 0 || ownGaps[unique - 1] != ownGaps[i]) {
                ownGaps[unique++] = ownGaps[i];
            }
        }
        ownGapCount = unique;
    }

    private void appendOwnGaps(int block, int runOffset, int runLength) {
        for (int offset = runOffset; offset < runOffset + runLength; offset += chunkSize) {
            if (ownGapCount == ownGaps.length) {
                ownGaps = Arrays.copyOf(ownGaps, Math.max(64, ownGaps.length * 2));
            }
            ownGaps[ownGapCount++] = ((long) block << 32) | (offset / chunkSize);
        }
    }

    /** The cache entry was replaced: the split belonged to the old one. */
    void forgetSplit() {
        leftToRepair = null;
        ownGapCount = 0;
    }

    /** @return whether repair may fetch {@code block} from the origin: only blocks left out of the download */
    boolean originAllowed(int block) {
        return leftToRepair != null && leftToRepair.get(block);
    }

    private long freshSince(long nowNs) {
        return nowNs - Math.max(PEER_FRESHNESS_NS, host.advertGapNs(nowNs));
    }

    @Override
    public PassDecision decide(int block) {
        if (!host.store().hasBlock(block)) {
            return heldByPeer(block, nowNs) && planner.isRunning() ? PassDecision.SKIP : PassDecision.PAUSE;
        }
        PeerDirectory peers = host.peers();
        if (peers != null && !peers.peers().isEmpty() && peers.lacking(block) == 0) {
            return PassDecision.SKIP;
        }
        if (peers != null && !peers.peers().isEmpty() && planner.hasGapRepair() && peers.lackingMostOf(block) == 0) {
            // Every member lacking it holds most of it (an older version held it but for an edit). What
            // this representative's own basis lacked there is what members with the same version lack:
            // multicast once, that beats each member fetching it. Other gaps are their gap repair's.
            return hasOwnGaps(block) ? PassDecision.SEND_PART : PassDecision.SKIP;
        }
        return PassDecision.SEND;
    }

    @Override
    public boolean sendsChunk(int block, int offsetInBlock) {
        return Arrays.binarySearch(ownGaps, 0, ownGapCount, ((long) block << 32) | (offsetInBlock / chunkSize)) >= 0;
    }

    private boolean hasOwnGaps(int block) {
        int at = Arrays.binarySearch(ownGaps, 0, ownGapCount, (long) block << 32);
        int first = at >= 0 ? at : -at - 1;
        return first < ownGapCount && (int) (ownGaps[first] >>> 32) == block;
    }

    private BlockBitmap blocksForRepair(BlockFile store, long nowNs) {
        ChunkTracker tracker = host.tracker();
        BlockBitmap blocks = new BlockBitmap(store.layout().blockCount());
        // Gaps of partly held blocks come from the origin as ranges: only from an origin that serves
        // them (each range request to one that does not costs its body up to the gap).
        boolean gaps = tracker != null && host.originServesRanges();
        for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
            // A block a member holds most of (its older version) comes to repair too: the member's
            // parts from it, only the rest from the origin.
            if (heldByPeer(block, nowNs) || (gaps && (tracker.chunksHeld(block) > 0 || partHeldByPeer(block, nowNs)))) {
                blocks.set(block);
            }
        }
        return blocks.cardinality() == 0 ? null : blocks;
    }

    private boolean partHeldByPeer(int block, long nowNs) {
        PeerDirectory peers = host.peers();
        return peers != null && peers.anyPartHolder(block, freshSince(nowNs));
    }

    private boolean heldByPeer(int block, long nowNs) {
        PeerDirectory peers = host.peers();
        return peers != null && peers.anyHolder(block, freshSince(nowNs));
    }
}
