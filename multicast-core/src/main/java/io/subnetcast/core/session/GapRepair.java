package io.subnetcast.core.session;

/**
 * Completes the blocks an agent still lacks after the multicast pass and its retransmission round,
 * for instance from peers over unicast ({@code multicast-peer-repair}). Driven like the agent: on
 * the engine thread, with the current time; results of its own I/O come back through
 * {@link RepairContext#post}.
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

    /** @return verified package bytes obtained from peers */
    long bytesFromPeers();

    /** @return verified package bytes obtained from the origin */
    long bytesFromOrigin();
}
