package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.wire.proto.Status;
import java.net.InetSocketAddress;

/**
 * What a {@link Member} reads of its agent and asks of it: the session's identity, the cache entry,
 * the agent's state and local pause, and the effects that belong to the whole agent (leaving the
 * session, going to the origin, the election).
 */
interface MemberHost {
    /** @return the agent's state */
    AgentState state();

    /** Moves the agent's state (see {@code SessionAgent}'s transition). */
    void transition(AgentState next, long nowNs, String reason);

    /** @return whether the agent was paused locally (not by the representative) */
    boolean locallyPaused();

    /** While paused locally: the state to resume into. */
    void resumeInto(AgentState state);

    /** @return whether the package was verified and placed */
    boolean published();

    /** @return whether basis files are still being scanned into the entry (see {@link Basis}) */
    boolean basisInProgress();

    /** @return the cache entry, or null while the layout is unknown */
    BlockFile store();

    /** @return the chunks held of incomplete blocks, or null */
    ChunkTracker tracker();

    /** @return the session followed, 0 when none */
    long sessionId();

    /** @return the epoch of the representative followed */
    int epoch();

    /** @return the representative followed */
    long leaderNodeId();

    /** @return the session's data group */
    InetSocketAddress dataGroup();

    /** @return whether the agent left its session to download from the origin itself */
    boolean recoveringFromOrigin();

    /** Joins the session's data group. */
    void joinDataGroup();

    /** Leaves the data group. */
    void leaveDataGroup();

    /** @return see {@link SessionPort#receiveDrops()} */
    long receiveDrops();

    /** Sends a status report of the session followed. */
    void sendStatus(Status.Builder status);

    /**
     * Advertises what this agent holds: now in a small session, within one advert interval in a
     * large one (every member does so when the same pass ends).
     */
    void advertSoon(long nowNs);

    /**
     * @return how many agents of this task this one has heard of (see
     *     {@code AgentContext#agentsHeard}): a new session's first beacon counts no members yet
     */
    int agentsHeard(long nowNs);

    /** The store is complete: verify and place the package. */
    void requestPublish();

    /** Fails the task with a one-line reason. */
    void fail(long nowNs, String reason);

    /** Leaves the session and downloads what is missing from the origin. */
    void recoverFromOrigin(long nowNs, String reason);

    /** The representative went silent: elect a successor among the session's members. */
    void representativeLost(long nowNs);

    /** The representative went silent while the session was paused: look for a session again. */
    void sessionLostWhilePaused(long nowNs);
}
