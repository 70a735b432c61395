package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.IntPredicate;

/**
 * Everything a {@link SessionAgent} does to the world, and nothing else. The engine implements it
 * over Netty sockets, the HTTP fetcher and the block cache; tests implement it over the simulated
 * LAN. Results of slow actions come back to the agent as events (for instance
 * {@link SessionAgent#onBlockFetched}), on the agent's own thread.
 */
public interface SessionPort {
    /** Multicasts a control message to the engine's control group. */
    void sendControl(Control message);

    /**
     * Sends one data chunk to the session's data group: the port writes the data header and reads
     * the payload from the store.
     *
     * @return false if the transport cannot take it now (the agent retries on its next tick)
     */
    boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                      int sequence, int flags);

    /** Starts receiving the data group of a session; replaces any earlier one. */
    void joinDataGroup(InetSocketAddress group);

    /** Stops receiving session data. */
    void leaveDataGroup();

    /**
     * Datagrams this host dropped before the agent could read them (its receive buffer was full:
     * the host was busy, not the network congested). Members take them off the loss they report.
     *
     * @return the count at the socket receiving the data group since it was opened, or -1 when the
     *     platform does not tell or no data group is joined
     */
    default long receiveDrops() {
        return -1;
    }

    /**
     * Opens (or creates) the task's cache entry.
     *
     * @throws IOException if the cache cannot be used; the agent fails the task with the reason
     */
    BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException;

    /**
     * Representative: learns the package's length and validator from the origin; answers with
     * {@link SessionAgent#onPackageInfo} or {@link SessionAgent#onFetchFailed}.
     */
    void probeOrigin(TaskSpec task);

    /**
     * Representative: downloads the missing blocks that {@code wanted} accepts, committing each;
     * reports each with {@link SessionAgent#onBlockFetched} and a failure with
     * {@link SessionAgent#onFetchFailed}.
     */
    void fetchMissing(TaskSpec task, BlockFile store, IntPredicate wanted);

    /**
     * Fetches the task's trusted manifest and checks it against the task; answers with
     * {@link SessionAgent#onTrustedManifest} or {@link SessionAgent#onFetchFailed}.
     */
    void fetchTrustedManifest(TaskSpec task);

    /**
     * @param task a task
     * @return the bytes of the basis files (older versions of the package) the agent was given for
     *     it, 0 for none
     */
    default long basisLength(TaskSpec task) {
        return 0;
    }

    /**
     * Fetches the delta units the trusted manifest names and checks them against it: from
     * {@code peer}'s block server first when given (asking again for a while: a representative
     * fetches them when it is elected), then from the origin beside the manifest (its URL with
     * {@code .units} appended); answers with {@link SessionAgent#onUnits} or
     * {@link SessionAgent#onUnitsFailed}. Called when {@link #basisLength} says there are basis
     * files, or by a representative without any that fetches the units for its members.
     */
    default void fetchUnits(TaskSpec task, TrustedManifest manifest, URI peer) {
        throw new UnsupportedOperationException("this port has no basis files");
    }

    /**
     * Keeps the delta units in the cache entry for peers, off the agent's thread: a representative
     * without basis files relays them to members that have some.
     */
    default void keepUnits(BlockFile store, TrustedManifest manifest) {
        throw new UnsupportedOperationException("this port has no basis files");
    }

    /**
     * Scans the task's basis files against the trusted manifest's delta units, off the agent's
     * thread: writes every unit found (checked by its strong hash) into {@code store} at its place
     * and commits the blocks that become whole (checked by their SHA-256); answers with
     * {@link SessionAgent#onBasisScanned}. Called only when {@link #basisLength} says there are some.
     */
    default void scanBasis(TaskSpec task, BlockFile store, TrustedManifest manifest) {
        throw new UnsupportedOperationException("this port has no basis files");
    }

    /** Stops a fetch started by {@link #fetchMissing} or {@link #probeOrigin}. */
    void cancelFetch();

    /**
     * Verifies the complete store against the task and places it; answers with
     * {@link SessionAgent#onPublished} or {@link SessionAgent#onPublishFailed}.
     */
    void publish(TaskSpec task, BlockFile store);

    /** Tells the embedder about a state change. */
    void stateChanged(AgentState state, Role role, String reason);

    /**
     * @param taskId a task
     * @return the base URL where this agent's block server serves the task's verified blocks, or
     *     null when it runs none
     */
    URI blockServerUrl(String taskId);

    /**
     * @return bytes the port adds to every datagram (a sealed datagram's header and tag), which the
     *     representative takes off the chunk size so that datagrams still fit the MTU
     */
    default int datagramOverhead() {
        return 0;
    }

    /**
     * @return how gap repair moves bytes from peers and the origin (over HTTP in the engine, with
     *     the task's peer token when it has a key), completions delivered on the agent's thread;
     *     null where there is none
     */
    default PeerTransfer peerTransfer() {
        return null;
    }
}
