package io.subnetcast.core.peers;

import io.subnetcast.core.cache.BlockBitmap;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The peers of one session and the blocks they hold. Bounded: beyond {@link #maxPeers()} new peers
 * are ignored, so that forged advertisements cannot grow memory. Not thread-safe: owned by the engine
 * thread, read by peer repair on the same thread.
 */
public final class PeerDirectory {
    /** One peer as last advertised. */
    public static final class Peer {
        private final long nodeId;
        private URI repairUrl;
        private final BlockBitmap held;
        // Blocks it lacks but holds more than half of; allocated on the first advert that names one.
        private BlockBitmap mostlyHeld;
        private boolean complete;
        // Scanning older versions into its cache: holds nothing that counts yet, its advert follows.
        private boolean preparing;
        private long lastHeardNs;
        // Its place in the directory's list, for sampling from a random start, and in the list of
        // complete peers while it is one.
        private int slot;
        private int completeSlot = -1;
        private final PeerDirectory directory;

        Peer(long nodeId, int blockCount, PeerDirectory directory) {
            this.nodeId = nodeId;
            this.held = new BlockBitmap(blockCount);
            this.directory = directory;
        }

        /** @return the peer's node id */
        public long nodeId() {
            return nodeId;
        }

        /** @return where to fetch its blocks, or null if it advertised none */
        public URI repairUrl() {
            return repairUrl;
        }

        /** @return whether it holds every block */
        public boolean isComplete() {
            return complete;
        }

        /**
         * @param block a block index
         * @return whether the peer advertised it
         */
        public boolean holds(int block) {
            return complete || held.get(block);
        }

        /** @return whether its last advert said it is still scanning basis files (see {@code Have.preparing}) */
        public boolean isPreparing() {
            return preparing;
        }

        /**
         * @param block a valid block index
         * @return whether it holds the block, or more than half of it with its gap repair to fill the rest
         */
        public boolean holdsMostOf(int block) {
            return holds(block) || (mostlyHeld != null && mostlyHeld.get(block));
        }

        /** @return when it was last heard from */
        public long lastHeardNs() {
            return lastHeardNs;
        }

        /**
         * Forgets one block, for instance after the peer answered that it does not hold it.
         *
         * @param block a block index
         */
        public void forget(int block) {
            if (complete) {
                directory.setComplete(this, false);
                for (int i = 0; i < held.size(); i++) {
                    directory.setHeld(this, i);
                }
            }
            directory.clearHeld(this, block);
        }
    }

    /**
     * Most bytes of block bitmaps a directory holds. Each peer costs a bitmap of the whole package,
     * so a count bound alone lets a flood of forged advertisements from fresh node ids take
     * {@code maxPeers * blockCount / 8} bytes (gigabytes for a package of many blocks).
     */
    public static final long MAX_BITMAP_BYTES = 64L << 20;

    private final int blockCount;
    private final int maxPeers;
    private final Map<Long, Peer> peers = new LinkedHashMap<>();
    // The same peers in a list (order changes on removal), so that a sample can start anywhere.
    private final List<Peer> list = new ArrayList<>();
    // The complete ones among them (order changes on removal), and the holders of each block among the others.
    private final List<Peer> completes = new ArrayList<>();
    private final HolderIndex index;

    /**
     * @param blockCount blocks of the session's package
     * @param maxPeers most peers tracked; fewer when their bitmaps would exceed {@link #MAX_BITMAP_BYTES}
     */
    public PeerDirectory(int blockCount, int maxPeers) {
        this.blockCount = blockCount;
        long bitmapBytes = ((blockCount + 63L) >>> 6) * Long.BYTES;
        this.maxPeers = (int) Math.max(1, Math.min(maxPeers, MAX_BITMAP_BYTES / Math.max(1, bitmapBytes)));
        this.index = new HolderIndex(blockCount);
    }

    /** @return the most peers this directory tracks */
    public int maxPeers() {
        return maxPeers;
    }

    /** @return blocks of the package */
    public int blockCount() {
        return blockCount;
    }

    /**
     * Records an advertisement.
     *
     * @param nodeId the peer
     * @param repairUrl its block server URL, or null
     * @param complete whether it holds everything
     * @param firstBlock first block the bitmap describes
     * @param bitmap held blocks from {@code firstBlock}, least significant bit first
     * @param nowNs current time
     * @return false if the advertisement was out of range and ignored
     */
    public boolean update(long nodeId, URI repairUrl, boolean complete, int firstBlock, byte[] bitmap, long nowNs) {
        return update(nodeId, repairUrl, complete, firstBlock, bitmap, new byte[0], false, nowNs);
    }

    /**
     * Records a peer's advertisement with the blocks it holds more than half of.
     *
     * @param mostlyHeld bits of the same window as {@code bitmap}: blocks lacked but mostly held;
     *     empty for none
     * @param preparing the peer still scans basis files: it holds nothing that counts yet
     * @return false when the advertisement is malformed or the directory is full
     * @see #update(long, URI, boolean, int, byte[], long)
     */
    public boolean update(long nodeId, URI repairUrl, boolean complete, int firstBlock, byte[] bitmap, byte[] mostlyHeld,
                          boolean preparing, long nowNs) {
        if (firstBlock < 0 || firstBlock > blockCount || (long) bitmap.length * 8 > blockCount - (long) firstBlock + 7
                || (mostlyHeld.length != 0 && mostlyHeld.length != bitmap.length)) {
            return false;
        }
        Peer peer = peers.get(nodeId);
        if (peer == null) {
            if (peers.size() >= maxPeers) {
                return false;
            }
            peer = new Peer(nodeId, blockCount, this);
            peers.put(nodeId, peer);
            peer.slot = list.size();
            list.add(peer);
        }
        if (repairUrl != null) {
            peer.repairUrl = repairUrl;
        }
        peer.lastHeardNs = nowNs;
        peer.preparing = preparing && !complete;
        setComplete(peer, complete);
        if (!complete) {
            for (int i = 0; i < bitmap.length * 8 && firstBlock + i < blockCount; i++) {
                if ((bitmap[i >>> 3] & (1 << (i & 7))) != 0) {
                    setHeld(peer, firstBlock + i);
                } else {
                    clearHeld(peer, firstBlock + i);
                }
            }
            if (mostlyHeld.length != 0 && peer.mostlyHeld == null) {
                peer.mostlyHeld = new BlockBitmap(blockCount);
            }
            if (peer.mostlyHeld != null) {
                for (int i = 0; i < bitmap.length * 8 && firstBlock + i < blockCount; i++) {
                    if (i < mostlyHeld.length * 8 && (mostlyHeld[i >>> 3] & (1 << (i & 7))) != 0) {
                        peer.mostlyHeld.set(firstBlock + i);
                    } else {
                        peer.mostlyHeld.clear(firstBlock + i);
                    }
                }
            }
        }
        return true;
    }

    /**
     * Forgets peers not heard from since a time: agents that left, and node ids a stranger made up
     * once, so they neither hold places in the bounded directory nor count as lacking blocks.
     *
     * @param sinceNs peers last heard before this time are removed
     * @return how many were removed
     */
    public int expire(long sinceNs) {
        int removed = 0;
        for (Iterator<Peer> it = peers.values().iterator(); it.hasNext(); ) {
            Peer peer = it.next();
            if (peer.lastHeardNs - sinceNs < 0) {
                it.remove();
                unlist(peer);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Forgets one peer at once, for instance a representative that went silent: its adverts must
     * not make a successor leave blocks to a peer that is gone.
     *
     * @param nodeId a peer
     * @return whether it was known
     */
    public boolean remove(long nodeId) {
        Peer peer = peers.remove(nodeId);
        if (peer == null) {
            return false;
        }
        unlist(peer);
        return true;
    }

    /** Takes a peer out of the list and the index: the last one takes its place. */
    private void unlist(Peer peer) {
        Peer last = list.remove(list.size() - 1);
        if (last != peer) {
            list.set(peer.slot, last);
            last.slot = peer.slot;
        }
        if (peer.complete) {
            uncomplete(peer);
        } else {
            for (int block = peer.held.nextSet(0); block >= 0; block = peer.held.nextSet(block + 1)) {
                index.removed(peer, block);
            }
        }
    }

    /** Marks a block held by a peer; an incomplete peer's holdings are indexed. */
    void setHeld(Peer peer, int block) {
        if (!peer.held.get(block)) {
            peer.held.set(block);
            if (!peer.complete) {
                index.added(peer, block);
            }
        }
    }

    /** Marks a block not held by a peer. */
    void clearHeld(Peer peer, int block) {
        if (peer.held.get(block)) {
            peer.held.clear(block);
            if (!peer.complete) {
                index.removed(peer, block);
            }
        }
    }

    /**
     * A complete peer holds every block: it leaves the per-block index for the list of complete
     * peers (its bitmap is kept, as before, and counts again if it stops being complete).
     */
    void setComplete(Peer peer, boolean complete) {
        if (peer.complete == complete) {
            return;
        }
        for (int block = peer.held.nextSet(0); block >= 0; block = peer.held.nextSet(block + 1)) {
            if (complete) {
                index.removed(peer, block);
            } else {
                index.added(peer, block);
            }
        }
        if (complete) {
            peer.completeSlot = completes.size();
            completes.add(peer);
        } else {
            uncomplete(peer);
        }
        peer.complete = complete;
    }

    private void uncomplete(Peer peer) {
        Peer last = completes.remove(completes.size() - 1);
        if (last != peer) {
            completes.set(peer.completeSlot, last);
            last.completeSlot = peer.completeSlot;
        }
        peer.completeSlot = -1;
    }

    /**
     * @param nodeId a peer
     * @return it, or null
     */
    public Peer get(long nodeId) {
        return peers.get(nodeId);
    }

    /** @return every known peer, in the order first heard */
    public Collection<Peer> peers() {
        return Collections.unmodifiableCollection(peers.values());
    }

    /**
     * @param block a block index
     * @param sinceNs only peers heard from at or after this time
     * @return peers that advertise the block and a repair URL
     */
    public List<Peer> holdersOf(int block, long sinceNs) {
        List<Peer> holders = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if (peer.repairUrl != null && peer.holds(block) && peer.lastHeardNs - sinceNs >= 0) {
                holders.add(peer);
            }
        }
        return holders;
    }

    /**
     * Up to {@code limit} peers with a repair URL that hold a block, drawn from a random place of
     * the directory: a member choosing among a thousand holders looks at a few, as the least loaded
     * of a few random choices spreads load almost as well as the least loaded of all (and scanning
     * every peer for every block made peer repair quadratic in the subnet's size).
     *
     * @param block a block index
     * @param sinceNs only peers heard from at or after this time
     * @param limit most peers returned
     * @param random where the scan starts
     * @return those peers; every holder when there are at most {@code limit}
     */
    public List<Peer> holdersOf(int block, long sinceNs, int limit, RandomGenerator random) {
        return sample(block, sinceNs, limit, random, false);
    }

    /**
     * Up to {@code limit} peers that lack a block but hold most of it, drawn as
     * {@link #holdersOf(int, long, int, RandomGenerator)} draws holders.
     *
     * @return those peers; every such peer when there are at most {@code limit}
     */
    public List<Peer> partHoldersOf(int block, long sinceNs, int limit, RandomGenerator random) {
        return sample(block, sinceNs, limit, random, true);
    }

    /** @return whether some peer with a repair URL, heard from since then, holds the block */
    public boolean anyHolder(int block, long sinceNs) {
        if (index.holding(block) == 0 && completes.isEmpty()) {
            return false;
        }
        Peer[] few = indexedHolders(block);
        if (few != null) {
            for (int i = 0; i < index.holding(block); i++) {
                if (isFreshHolder(few[i], block, sinceNs)) {
                    return true;
                }
            }
            for (Peer peer : completes) {
                if (isFreshHolder(peer, block, sinceNs)) {
                    return true;
                }
            }
            return false;
        }
        for (Peer peer : list) {
            if (isFreshHolder(peer, block, sinceNs)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFreshHolder(Peer peer, int block, long sinceNs) {
        return peer.repairUrl != null && peer.holds(block) && peer.lastHeardNs - sinceNs >= 0;
    }

    /** @return how many incomplete peers the index counts as holders of a block (for tests: the walk must agree) */
    int holdingCount(int block) {
        return index.holding(block);
    }

    /** @return the incomplete holders of a block when they are few (the first {@code holding} entries), or null */
    private Peer[] indexedHolders(int block) {
        return index.holders(block, list, peer -> !peer.complete && peer.held.get(block));
    }

    /** @return whether some peer with a repair URL, heard from since then, lacks the block but holds most of it */
    public boolean anyPartHolder(int block, long sinceNs) {
        for (Peer peer : list) {
            if (isPartHolder(peer, block, sinceNs)) {
                return true;
            }
        }
        return false;
    }

    private List<Peer> sample(int block, long sinceNs, int limit, RandomGenerator random, boolean parts) {
        List<Peer> found = new ArrayList<>(Math.min(limit, 16));
        Peer[] few = parts ? null : indexedHolders(block);
        if (few != null) {
            // Few incomplete holders: all of them, and complete ones from a random place, then a
            // random choice of as many as asked for.
            for (int i = 0; i < index.holding(block); i++) {
                if (isFreshHolder(few[i], block, sinceNs)) {
                    found.add(few[i]);
                }
            }
            int n = completes.size();
            int start = n == 0 ? 0 : random.nextInt(n);
            for (int i = 0, taken = 0; i < n && taken < limit; i++) {
                Peer peer = completes.get((start + i) % n);
                if (isFreshHolder(peer, block, sinceNs)) {
                    found.add(peer);
                    taken++;
                }
            }
            for (int i = 0; i < Math.min(limit, found.size()); i++) {
                java.util.Collections.swap(found, i, i + random.nextInt(found.size() - i));
            }
            return found.size() <= limit ? found : new ArrayList<>(found.subList(0, limit));
        }
        int n = list.size();
        int start = n == 0 ? 0 : random.nextInt(n);
        for (int i = 0; i < n && found.size() < limit; i++) {
            Peer peer = list.get((start + i) % n);
            boolean match = parts ? isPartHolder(peer, block, sinceNs) : isFreshHolder(peer, block, sinceNs);
            if (match) {
                found.add(peer);
            }
        }
        return found;
    }

    private static boolean isPartHolder(Peer peer, int block, long sinceNs) {
        return peer.repairUrl != null && !peer.holds(block) && peer.holdsMostOf(block) && peer.lastHeardNs - sinceNs >= 0;
    }

    /**
     * @param block a block index
     * @param sinceNs only peers heard from at or after this time
     * @return peers with a repair URL that lack the block but hold most of it (an older version held
     *     it): they serve the parts they hold
     */
    public List<Peer> partHoldersOf(int block, long sinceNs) {
        List<Peer> holders = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if (isPartHolder(peer, block, sinceNs)) {
                holders.add(peer);
            }
        }
        return holders;
    }

    /**
     * @param sinceNs only peers heard from at or after this time
     * @return whether such a peer still scans basis files (its holdings are not known yet)
     */
    public boolean anyPreparing(long sinceNs) {
        for (Peer peer : peers.values()) {
            if (peer.preparing && peer.lastHeardNs - sinceNs >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param block a valid block index
     * @return how many peers lack the block and do not hold most of it either: those a pass must
     *     send it to (the others' gap repair fetches their few missing chunks)
     */
    public int lackingMostOf(int block) {
        int count = 0;
        for (Peer peer : peers.values()) {
            if (!peer.holdsMostOf(block)) {
                count++;
            }
        }
        return count;
    }

    /**
     * @param block a block index
     * @return how many known peers do not advertise it
     */
    public int lacking(int block) {
        int count = 0;
        for (Peer peer : peers.values()) {
            if (!peer.holds(block)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Encodes held blocks of a bitmap source as advertisement bytes.
     *
     * @param held the agent's blocks
     * @param firstBlock first block to encode
     * @param maxBytes most bytes to produce
     * @return the bitmap bytes, least significant bit first
     */
    public static byte[] encode(java.util.function.IntPredicate held, int blockCount, int firstBlock, int maxBytes) {
        int blocks = Math.min(blockCount - firstBlock, maxBytes * 8);
        byte[] bytes = new byte[(blocks + 7) / 8];
        for (int i = 0; i < blocks; i++) {
            if (held.test(firstBlock + i)) {
                bytes[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return bytes;
    }
}
