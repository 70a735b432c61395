package io.subnetcast.core.peers;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Per block, how many incomplete peers advertise it and, while they are few, which ones: early in a
 * session a block is held whole by the representative alone, and finding that one holder among a
 * thousand peers for every block start made peer repair walk the whole directory again and again
 * (1,000 agents, 64 MiB: nine of ten stack samples in that walk). Peers holding everything are kept
 * apart by the directory. Bounded: at most {@link #LIMIT} peers per block, in arrays that grow as
 * holders come.
 */
final class HolderIndex {
    /** Holders tracked per block; beyond this many a random walk of the directory finds some fast. */
    static final int LIMIT = 32;

    private final int[] holding;
    private final PeerDirectory.Peer[][] few;
    private final int[] fewCount;

    HolderIndex(int blockCount) {
        this.holding = new int[blockCount];
        this.few = new PeerDirectory.Peer[blockCount][];
        this.fewCount = new int[blockCount];
    }

    /** A peer (not complete) now advertises the block. */
    void added(PeerDirectory.Peer peer, int block) {
        holding[block]++;
        append(peer, block);
    }

    /** A peer (not complete) no longer advertises the block, or is gone. */
    void removed(PeerDirectory.Peer peer, int block) {
        holding[block]--;
        PeerDirectory.Peer[] peers = few[block];
        int count = fewCount[block];
        for (int i = 0; i < count; i++) {
            if (peers[i] == peer) {
                peers[i] = peers[count - 1];
                peers[count - 1] = null;
                fewCount[block] = count - 1;
                return;
            }
        }
    }

    /** @return how many incomplete peers advertise the block */
    int holding(int block) {
        return holding[block];
    }

    /**
     * The block's holders when there are at most {@link #LIMIT}, exactly: after more came and went,
     * the list is made whole again from {@code candidates} (every peer of the directory).
     *
     * @param holds whether a peer is an incomplete holder of the block
     * @return the holders (the first {@link #holding} entries; the array may be longer), or null
     *     when there are more than {@link #LIMIT}
     */
    PeerDirectory.Peer[] holders(int block, Iterable<PeerDirectory.Peer> candidates, Predicate<PeerDirectory.Peer> holds) {
        int count = holding[block];
        if (count > LIMIT) {
            return null;
        }
        if (fewCount[block] != count) {
            // The ones indexed are holders; the others were not indexed while there were more.
            if (few[block] != null) {
                Arrays.fill(few[block], null);
            }
            fewCount[block] = 0;
            for (PeerDirectory.Peer peer : candidates) {
                if (holds.test(peer)) {
                    append(peer, block);
                }
            }
        }
        PeerDirectory.Peer[] peers = few[block];
        return peers == null ? new PeerDirectory.Peer[0] : peers;
    }

    private void append(PeerDirectory.Peer peer, int block) {
        int count = fewCount[block];
        if (count == LIMIT) {
            return;
        }
        PeerDirectory.Peer[] peers = few[block];
        if (peers == null || count == peers.length) {
            peers = Arrays.copyOf(peers == null ? new PeerDirectory.Peer[0] : peers, peers == null ? 2 : Math.min(LIMIT, count * 2));
            few[block] = peers;
        }
        peers[count] = peer;
        fewCount[block] = count + 1;
    }
}
