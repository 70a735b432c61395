package io.subnetcast.core.repair;

/**
 * Completes the blocks an agent still lacks after the multicast pass and its retransmission round,
 * for instance from peers over unicast ({@code multicast-peer-repair}). Driven like the agent: on
 * the engine thread, with the current time; results of its own I/O come back as
 * {@link PeerTransfer} completions, with the time.
 */
public interface GapRepair {
    /**
     * Starts repairing what the store lacks.
     *
     * @param nowNs current time
     */
    void start(long nowNs);

    /**
     * Runs timers and issues requests.
     *
     * @param nowNs current time
     */
    void doWork(long nowNs);

    /**
     * @param nowNs current time
     * @return when {@link #doWork} next has something to do
     */
    long nextWakeNs(long nowNs);

    /** Stops every request; the repair is not used again. */
    void stop();

    /**
     * Whether a request for this block is under way. The multicast leaves such a block alone, so
     * that its bytes never mix two sources: a block that then fails verification is the fault of
     * the one source that supplied it.
     *
     * @param block a block index
     * @return true while the repair fetches the block
     */
    default boolean isFetching(int block) {
        return false;
    }

    /** @return verified package bytes obtained from peers */
    long bytesFromPeers();

    /** @return verified package bytes obtained from the origin */
    long bytesFromOrigin();
}
