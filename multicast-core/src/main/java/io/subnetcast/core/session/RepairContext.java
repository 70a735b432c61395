package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import java.net.URI;

/** What a {@link GapRepair} may see and do. */
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
     * Runs an event on the agent's thread and lets the agent act on it.
     *
     * @param event the event
     */
    void post(Runnable event);

    /** @return the current time on the agent's clock */
    long nowNs();

    /**
     * @return the task's key, whose token peers' block servers expect in {@code Authorization} and
     *     whose tag they append to manifests; null when the task has none
     */
    default io.subnetcast.core.auth.SessionKey sessionKey() {
        return null;
    }

    /** @return the engine's HTTP client, or null where there is none (simulations) */
    HttpFetcher httpFetcher();

    /**
     * Whether a block that no reachable peer holds may be fetched from the origin now. A member
     * never goes to the origin while its representative is alive (heard within the member timeout): the representative holds, or is
     * downloading, every block, and a member that fetched a block itself would make the origin
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
     * @return the node id of the representative this agent follows; 0 when it has none or is the
     *     representative itself. A repair that dropped this peer for bad bytes may use the origin
     *     although the representative lives.
     */
    default long representativeNodeId() {
        return 0;
    }
}
