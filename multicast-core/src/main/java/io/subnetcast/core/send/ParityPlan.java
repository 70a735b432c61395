package io.subnetcast.core.send;

import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.fec.ParityGroups;

/**
 * Which parity chunks the representative sends for each block: members ask for a count per block
 * (this many more parity chunks of every group), and every new request gets parity it has not sent
 * yet for that block, so that a member that lost some of an earlier burst is served by the next.
 *
 * <p>Requests for the same block merge: parity still queued counts towards every request, so that
 * three members asking for 8, 10 and 7 while none went out yet get 10 per group, not 25. This is
 * what makes a parity NAK stand for every member that misses at most as many (NORM, RFC 5740,
 * section 5.3). Past a group's last parity id the ids wrap: the earliest parity is sent again.
 * Not thread-safe; allocates per package, not per request.
 */
final class ParityPlan {
    /** Most parity chunks per group one request may ask for. */
    static final int MAX_COUNT = 64;

    private final BlockLayout layout;
    private final int chunkSize;
    // Per block: parity indexes handed out so far, and parity chunks queued but not sent.
    private final int[] nextIndex;
    private final int[] queuedChunks;
    private ParityGroups lastGroups;
    private int lastGroupsBlock = -1;

    ParityPlan(BlockLayout layout, int chunkSize) {
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.nextIndex = new int[layout.blockCount()];
        this.queuedChunks = new int[layout.blockCount()];
    }

    /**
     * A member asks for {@code count} more parity chunks of every group of a block.
     *
     * @param sender where the parity chunks are queued
     * @param block a valid block index the representative holds
     * @param count parity chunks per group wanted, from the wire (bounded here)
     * @return parity chunks newly queued
     */
    int request(BlockSender sender, int block, int count) {
        ParityGroups groups = groupsOf(block);
        int wanted = Math.min(Math.max(count, 0), MAX_COUNT);
        // Parity already queued serves this request too: a chunk of each group per index.
        int pendingIndexes = (queuedChunks[block] + groups.groups() - 1) / groups.groups();
        int added = 0;
        for (int more = wanted - pendingIndexes; more > 0; more--) {
            int index = nextIndex[block]++;
            for (int group = 0; group < groups.groups(); group++) {
                int id = groups.parityId(group, index % groups.maxParity(group));
                if (sender.requestParity(block, id)) {
                    added++;
                }
            }
        }
        queuedChunks[block] += added;
        return added;
    }

    /**
     * A parity chunk of this block went out.
     *
     * @param block its block
     */
    void sent(int block) {
        if (queuedChunks[block] > 0) {
            queuedChunks[block]--;
        }
    }

    /**
     * @param block a valid block index
     * @return its parity geometry (the last one asked for is kept: requests come block by block)
     */
    ParityGroups groupsOf(int block) {
        if (block != lastGroupsBlock) {
            lastGroups = ParityGroups.of(layout.lengthOf(block), chunkSize);
            lastGroupsBlock = block;
        }
        return lastGroups;
    }
}
