package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.election.Election;
import io.subnetcast.core.election.Rank;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.proto.Control;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.random.RandomGenerator;

/**
 * The session protocol one agent runs for one task, as a state machine without I/O.
 *
 * <p>Life of an agent: it starts {@link AgentState#DISCOVERING} (asks on the control group whether
 * a session exists), hears a beacon and joins as a member, or hears none and goes
 * {@link AgentState#CLAIMING}. Claims are sent after a random back-off and suppressed when a better
 * claim ({@link Rank}) was heard; at the end of the claim window the best claimant takes the role.
 * The representative fetches the package once ({@link AgentState#FETCHING}) while the start delay
 * runs and beacons the session; after the delay it multicasts ({@link AgentState#SENDING}) the
 * blocks it holds, waiting for the download where it is behind, with a manifest of per-block
 * SHA-256 values ahead of the blocks. Members write what they hear into the block cache; after the
 * pass, a member with gaps asks for retransmission ({@link AgentState#REPAIRING}); a member whose
 * data group delivers nothing while the pass moves on ({@link DataSilenceDetector}) goes there
 * early and completes over unicast, reporting it in {@link SessionProgress#fallback()}. A second
 * representative (two claims in the same instant, a healed partition) steps down when it hears a
 * beacon of a higher (epoch, priority, node id); members follow the better one.
 *
 * <p>This class is the facade: it checks what arrives and hands it to the part that owns it.
 * {@code Leadership} runs the {@link Election} and decides whom to follow; a term as representative
 * is a {@link Representative} (whose phases show here as FETCHING, SENDING, COMPLETE and PAUSED);
 * a member's duties are {@code Member}'s; repair is {@link RepairPlanner}'s; {@code Completion}
 * opens the cache entry, publishes and lingers; {@code HaveExchange} advertises what peers hold.
 * What they share is {@code AgentContext}.
 *
 * <p>Every method takes the current monotonic time and must be called from one thread. Nothing
 * here blocks, sleeps or reads a clock; all effects go through the {@link SessionPort}.
 */
public final class SessionAgent implements DatagramSink {
    private final AgentContext agent;
    private final ControlIntake intake;

    /** An agent whose members rely on retransmission by the representative alone (no peer repair). */
    public SessionAgent(TaskSpec task, SessionConfig config, long nodeId, SessionPort port, RandomGenerator random) {
        this(task, config, nodeId, port, random, null);
    }

    /**
     * @param task what to distribute
     * @param config protocol settings
     * @param nodeId this engine's node id, random per start
     * @param port where effects go
     * @param random source of back-off jitter and session ids; seeded in simulations
     * @param repairFactory completes gaps after the pass (peer repair), or null to rely on
     *     retransmission by the representative alone
     */
    public SessionAgent(TaskSpec task, SessionConfig config, long nodeId, SessionPort port, RandomGenerator random,
                        GapRepairFactory repairFactory) {
        this.agent = new AgentContext(task, config, nodeId, port, random, repairFactory);
        this.intake = new ControlIntake(agent);
    }

    /** Starts the agent: fetches the trusted manifest if the task has one, else asks whether a session exists. */
    public void start(long nowNs) {
        agent.start(nowNs, false);
    }

    /** Starts an agent that holds the whole package because a newcomer looks for a session: it claims at once. */
    public void startAsHolder(long nowNs) {
        agent.start(nowNs, true);
    }

    /** The task's trusted manifest arrived and matched the task's hash for it. */
    public void onTrustedManifest(TrustedManifest manifest, long nowNs) {
        agent.completion.onTrustedManifest(manifest, nowNs);
    }

    /**
     * The scan of the agent's basis files ended (see {@link SessionPort#scanBasis}): a member's
     * chunk tracker learns what they held, a representative's pass may start.
     */
    public void onBasisScanned(BasisScan scan, long nowNs) {
        agent.basis.onScanned(scan, nowNs);
    }

    /** The delta units arrived and matched the trusted manifest (see {@link SessionPort#fetchUnits}). */
    public void onUnits(TrustedManifest withUnits, long nowNs) {
        agent.basis.onUnits(withUnits, nowNs);
    }

    /** The delta units could not be had: the agent goes on without its basis files. */
    public void onUnitsFailed(String reason, long nowNs) {
        agent.basis.onUnitsFailed(reason, nowNs);
    }

    /** Handles a decoded control message of this task (its task id is this agent's). */
    @Override
    public void onControl(Control message, long nowNs) {
        intake.onControl(message, nowNs);
    }

    /** Handles a data datagram of this agent's session; {@code frame} is valid during the call only. */
    @Override
    public void onData(DataFrame frame, long nowNs) {
        if (!frame.isWellFormed()) {
            agent.invalidDatagrams++;
        } else if (agent.role != Role.MEMBER || agent.tracker == null || frame.sessionId() != agent.sessionId
                || Integer.compareUnsigned(frame.epoch(), agent.epoch) < 0) {
            agent.staleDatagrams++; // another session's, or a deposed representative's
        } else {
            agent.member.onData(frame, nowNs);
        }
    }

    /** Representative: the origin answered the probe with the package's length and validator (empty if none). */
    public void onPackageInfo(long length, String validator, long nowNs) {
        onPackageInfo(length, validator, true, nowNs);
    }

    /**
     * Representative: the origin answered the probe.
     *
     * @param acceptsRanges whether it announced byte ranges; without them gaps are not fetched from
     *     it one range at a time (each request would cost the body up to the gap): the download
     *     takes every missing block, in one whole GET
     */
    public void onPackageInfo(long length, String validator, boolean acceptsRanges, long nowNs) {
        agent.completion.onPackageInfo(length, validator, acceptsRanges, nowNs);
    }

    /** Representative (or recovery): the origin download committed block {@code index}. */
    public void onBlockFetched(int index, long nowNs) {
        agent.completion.onBlockFetched(index);
    }

    /** The origin download failed for good; {@code reason} names the URL. */
    public void onFetchFailed(String reason, long nowNs) {
        agent.completion.onFetchFailed(reason, nowNs);
    }

    /** The package was verified and placed at {@code path}. */
    public void onPublished(Path path, long nowNs) {
        agent.completion.onPublished(path, nowNs);
    }

    /**
     * The assembled package did not match the task's SHA-256 and was discarded: some source sent
     * wrong bytes that the provisional per-block hashes could not catch. A member then leaves the
     * session and fetches the package from the origin itself, once; a representative (whose bytes
     * came from the origin) or a second mismatch fails the task.
     */
    public void onPublishMismatch(String reason, long nowNs) {
        agent.completion.onPublishMismatch(reason, nowNs);
    }

    /** Publishing failed (the destination is unwritable, for instance): the task fails. */
    public void onPublishFailed(String reason, long nowNs) {
        agent.fail(nowNs, reason);
    }

    /** The transport failed for this task (the data group cannot be joined, for instance): the task fails. */
    @Override
    public void onTransportFailure(String reason, long nowNs) {
        agent.fail(nowNs, reason);
    }

    /**
     * Pauses the agent. On the representative this pauses the whole session: beacons say paused,
     * no data is sent, the start delay stops counting; members wait without failing.
     */
    public void pause(long nowNs) {
        agent.pause(nowNs);
    }

    /** Resumes where {@link #pause} stopped. */
    public void resume(long nowNs) {
        agent.resume(nowNs);
    }

    /** Cancels the task on this agent. Members of a cancelled representative elect a successor. */
    public void cancel(long nowNs) {
        if (!agent.state.isTerminal()) {
            agent.stopActivity(nowNs);
            agent.transition(AgentState.CANCELLED, nowNs, "cancelled");
        }
    }

    /** Runs timers and the send loop. */
    public void doWork(long nowNs) {
        if (agent.awaitingManifest) {
            if (agent.state == AgentState.DISCOVERING || agent.state == AgentState.CLAIMING) {
                agent.leadership.doElectionWork(nowNs); // asking for the session; the claim is held
            }
            return;
        }
        agent.haves.doWork(nowNs);
        if (agent.term != null && !agent.state.isTerminal()) {
            agent.term.doWork(nowNs);
            return;
        }
        switch (agent.state) {
            case DISCOVERING, CLAIMING -> agent.leadership.doElectionWork(nowNs);
            case WAITING, RECEIVING, REPAIRING -> agent.member.onWork(nowNs);
            case PAUSED -> {
                if (agent.role == Role.MEMBER) {
                    agent.member.onPausedWork(nowNs);
                }
            }
            case COMPLETE -> agent.member.onCompleteWork(nowNs);
            case FAILED, CANCELLED -> {
            }
            case FETCHING, SENDING -> throw new IllegalStateException(agent.state.name()); // a term's only
        }
    }

    /** @return when {@link #doWork} next has something to do; callers may call it earlier */
    public long nextWakeNs(long nowNs) {
        if (agent.awaitingManifest) {
            return agent.state == AgentState.DISCOVERING || agent.state == AgentState.CLAIMING
                    ? agent.leadership.electionWakeNs() : Long.MAX_VALUE;
        }
        long lingerWake = agent.completion.lingerWakeNs(nowNs);
        long protocolWake = agent.term != null && !agent.state.isTerminal() ? agent.term.nextWakeNs(nowNs, lingerWake)
                : switch (agent.state) {
                    case DISCOVERING, CLAIMING -> agent.leadership.electionWakeNs();
                    case COMPLETE, WAITING, RECEIVING, REPAIRING -> agent.member.nextWakeNs(agent.state, nowNs, lingerWake);
                    case PAUSED -> nowNs + agent.config.beaconInterval().toNanos();
                    case FETCHING, SENDING, FAILED, CANCELLED -> Long.MAX_VALUE; // only a term fetches or sends
                };
        return agent.haves.active() ? Math.min(protocolWake, agent.haves.nextWakeNs()) : protocolWake;
    }

    // ---------------------------------------------------------------- queries

    /** @return the current state */
    public AgentState state() {
        return agent.state;
    }

    /** @return the current role */
    public Role role() {
        return agent.role;
    }

    /** @return the reason of a failure, or null */
    public String failure() {
        return agent.failure;
    }

    /** @return this agent's node id */
    public long nodeId() {
        return agent.nodeId;
    }

    /** @return the task */
    public TaskSpec task() {
        return agent.task;
    }

    /** @return the session this agent belongs to, 0 before any */
    @Override
    public long sessionId() {
        return agent.sessionId;
    }

    /** @return the epoch of the representative this agent follows (or is) */
    public int epoch() {
        return agent.epoch;
    }

    /** @return the node id of the representative this agent follows (its own when representative) */
    public long leaderNodeId() {
        return agent.leaderNodeId;
    }

    /** @return the group the session's data goes to, or null before a session */
    public InetSocketAddress dataGroup() {
        return agent.dataGroup;
    }

    /** @return the cache entry, or null while the package layout is unknown */
    public BlockFile store() {
        return agent.store;
    }

    /** @return where the package was placed, or null */
    public Path publishedPath() {
        return agent.completion.publishedPath();
    }

    /** @return NAKs (or the rest of one) refused because their sender used up its retransmission budget */
    public long retransmitRequestsRefused() {
        return agent.retransmitRequestsRefused;
    }

    /** @return the representative's rate adaptation (read it on the agent's thread); null on a member or at a fixed rate */
    public RateController rateController() {
        return agent.term == null ? null : agent.term.rateController();
    }

    /** @return the representative's current send rate in bit/s, 0 when it is not a representative */
    public long sendRateBitsPerSecond() {
        return agent.term == null ? 0 : agent.term.rateBitsPerSecond();
    }

    /** @return datagrams dropped as malformed or out of range */
    public long invalidDatagrams() {
        return agent.invalidDatagrams + agent.member.invalidDatagrams();
    }

    /** @return data datagrams dropped because they belong to another session or an older epoch */
    public long staleDatagrams() {
        return agent.staleDatagrams;
    }

    /** @return whether the agent is done: terminal, or complete and no longer needed by its session */
    public boolean isFinished(long nowNs) {
        return agent.completion.isFinished(nowNs);
    }

    /** @return a snapshot for progress reporting */
    public SessionProgress progress(long nowNs) {
        return agent.progress(nowNs);
    }
}
