package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.session.TaskSpec;
import java.net.URI;

/**
 * What a {@link GapRepair} may see of its agent's session. It holds no clock and no way to post
 * work: time comes with each call and each {@link PeerTransfer} completion.
 */
public interface RepairContext {
    /** @return the task */
    TaskSpec task();

    /** @return the cache entry to complete; commit blocks through it */
    BlockFile store();

    /** @return which chunks of partial blocks arrived, so that only the rest is fetched */
    ChunkTracker tracker();

    /** @return the session's peers and what they hold */
    PeerDirectory peers();

    /** @return this agent's node id */
    long selfNodeId();

    /** @return the representative's block server, or null when it advertised none */
    URI representativeUrl();

    /**
     * The longest a peer of this session may go between two holdings adverts: each agent's advert
     * interval grows with the session's size (a thousand agents advertise every 10 to 30 s), so a
     * repair that trusts only peers heard within a fixed few seconds would find hardly any holder.
     *
     * @param nowNs current time
     * @return that gap, or 0 when the session's schedule is not known
     */
    default long advertGapNs(long nowNs) {
        return 0;
    }

    /**
     * Whether a block that no reachable peer holds may be fetched from the origin now. A member
     * never goes to the origin while its representative is alive (heard within the member
     * timeout): the representative holds, or is downloading, every block, and a member that fetched a block itself would make the origin
     * serve it once per member (the "back-to-source" storm after a representative is lost
     * mid-pass). A representative goes to the origin only for the blocks it left to repair rather
     * than to its own download (see {@code SessionAgent}), so that no block is fetched twice.
     *
     * @param block the block
     * @param nowNs current time
     * @return whether the origin may be asked for the block
     */
    default boolean originAllowed(int block, long nowNs) {
        return true;
    }

    /**
     * The origin is asked for a run of a block that a peer's older version held the rest of (see a
     * repair's part holders): members holding that version lack the same bytes, so a
     * representative multicasts them once instead of leaving them to each member's repair.
     *
     * @param block the block
     * @param offsetInBlock the run's first byte in the block
     * @param length the run's length
     */
    default void fetchingWhatPeersLack(int block, int offsetInBlock, int length) {
    }

    /**
     * @return the node id of the representative this agent follows; 0 when it has none or is the
     *     representative itself. A repair that dropped this peer for bad bytes may use the origin
     *     although the representative lives.
     */
    default long representativeNodeId() {
        return 0;
    }

    /**
     * @param block a missing block
     * @return whether the gap repair may take it now: not while the pass has yet to send it, nor
     *     while a NAK round waits for its multicast retransmission
     */
    default boolean repairable(int block) {
        return true;
    }
}
