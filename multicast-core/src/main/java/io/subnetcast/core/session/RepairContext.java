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
     * A member that fell back to unicast while its representative still multicasts (and may still
     * be downloading) waits for the representative or a peer to hold a block rather than fetch it
     * from the origin: otherwise every member of a subnet without multicast would hit the origin.
     *
     * @return whether a block that no reachable peer holds may be fetched from the origin now
     */
    default boolean originAllowed() {
        return true;
    }
}
