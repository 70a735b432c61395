package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.wire.proto.Control;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one {@link SessionAgent} share: the task, the agent's public state and role,
 * the session it leads or follows, the cache entry, and the parts themselves. It also holds the
 * moves that belong to the whole agent: the one {@link #transition}, failing, leaving the session,
 * and the local pause.
 *
 * <p>The fields are plain and package-private on purpose: every part runs on the agent's one
 * thread, and each field has one writer, named in its comment.
 */
final class AgentContext {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAgent.class);

    final TaskSpec task;
    final SessionConfig config;
    final long nodeId;
    final SessionPort port;
    final RandomGenerator random;

    // The public state; written through transition(), fail() and the local pause only.
    AgentState state = AgentState.DISCOVERING;
    Role role = Role.UNDECIDED;
    private AgentState stateBeforePause;
    private long stateSinceNs;
    String failure;

    // The session this agent leads or follows; written by Leadership (and cleared by leaveSession).
    long sessionId;
    int epoch;
    long leaderNodeId;
    int leaderPriority;
    InetSocketAddress dataGroup;
    /** This agent's term as representative; null unless it is one. */
    Representative term;

    // The package; written by Completion, the tracker and chunk size also by Leadership.
    BlockFile store;
    ChunkTracker tracker;
    int chunkSize;
    TrustedManifest trusted;
    /** Representative: whether the origin answered its probe, and whether it announced byte ranges. */
    boolean originProbed;
    boolean originAcceptsRanges = true;
    /** Whether an origin download (probe, term fetch or recovery) runs for this agent. */
    boolean fetching;
    /**
     * Nothing is received, fetched or served before every block's hash is trusted; only the
     * election's discovery runs meanwhile (its claim held).
     */
    boolean awaitingManifest;
    /** The latest beacon heard while awaiting the manifest: the session to follow once it is in hand. */
    Control beaconBeforeManifest;
    /** The agent left its session to download the package from the origin itself. */
    boolean recoveringFromOrigin;

    /** The agent holds the package and was started for a newcomer: its election begins with a claim. */
    boolean claimFirst;

    /** Other agents' questions "is there a session?" heard lately (see {@link #agentsHeard}). */
    final RecentQuestions questions = new RecentQuestions();

    long invalidDatagrams;
    long staleDatagrams;
    long retransmitRequestsRefused;

    /** The agent as its parts' host (repair, the representative's term, the member). */
    final AgentHost host;
    final RepairPlanner planner;
    final Member member;
    final Leadership leadership;
    final Completion completion;
    final Basis basis;
    final HaveExchange haves;

    AgentContext(TaskSpec task, SessionConfig config, long nodeId, SessionPort port, RandomGenerator random,
                 GapRepairFactory repairFactory) {
        this.task = task;
        this.config = config;
        this.nodeId = nodeId;
        this.port = port;
        this.random = random;
        this.host = new AgentHost(this);
        this.planner = new RepairPlanner(task.taskId(), repairFactory, host, port::peerTransfer,
                nak -> port.sendControl(control().setNak(nak.setSessionId(sessionId)).build()), random,
                config.nakInterval(), config.repairDelay());
        this.planner.parityBeforeGapRepair(config.parityBeforePeers());
        this.planner.nakThreshold(config.nakThreshold());
        this.member = new Member(task.taskId(), config, host, planner, random);
        this.leadership = new Leadership(this);
        this.completion = new Completion(this);
        this.basis = new Basis(this);
        this.haves = new HaveExchange(this);
    }

    /** @return a control message of this task, stamped with this agent's node id and epoch */
    Control.Builder control() {
        return Control.newBuilder().setTaskId(task.taskId()).setNodeId(nodeId).setEpoch(epoch);
    }

    /**
     * How many agents of this task this one has heard of: the members its representative counts,
     * the peers that advertise to it, and the questions heard lately (every agent that starts asks,
     * once when another agent asked meanwhile, at most twice). Agents that started before this one
     * are not among the questions, so the figure is at least the representative's once members
     * report, and in a crowd that starts together it is how big the crowd is before anyone reported:
     * what a member reads to spread its first reports over the session's budget.
     */
    int agentsHeard(long nowNs) {
        int peers = haves.directory() == null ? 0 : haves.directory().peers().size();
        int members = term != null ? term.membersKnown() : member.membersKnown();
        return Math.max(Math.max(members, peers), Math.min(questions.count(nowNs), config.maxMembers()));
    }

    /** Stops the origin download, if one runs. */
    void cancelFetch() {
        if (fetching) {
            port.cancelFetch();
            fetching = false;
        }
    }

    /**
     * A chunk tracker for the open store, told what the basis files hold.
     *
     * @param chunkSize the session's payload bytes per datagram
     */
    ChunkTracker newTracker(int chunkSize) {
        ChunkTracker fresh = new ChunkTracker(store.layout(), chunkSize);
        basis.seed(fresh);
        return fresh;
    }

    /** Leaves the session followed; the chunks and cache entry stay for whoever comes next. */
    void leaveSession(long nowNs) {
        planner.stop(nowNs, "left the session");
        member.leave();
        sessionId = 0;
        // The chunk tracker stays with the cache entry: a successor's session of the same content
        // goes on from the chunks received so far (Completion.openStore drops it with the entry).
    }

    /** Stops everything that runs for the task: repair, the download, the data group. */
    void stopActivity(long nowNs) {
        planner.stop(nowNs, "stopped");
        cancelFetch();
        member.leaveDataGroup();
    }

    void fail(long nowNs, String reason) {
        if (state.isTerminal()) {
            return;
        }
        failure = reason;
        stopActivity(nowNs);
        transition(AgentState.FAILED, nowNs, reason);
    }

    /** The one place the public state moves; the port hears every move. */
    void transition(AgentState next, long nowNs, String reason) {
        if (next == state && nowNs != stateSinceNs) {
            return;
        }
        LOG.debug("task {}: {} -> {} ({}) as {}", task.taskId(), state, next, reason, role);
        state = next;
        stateSinceNs = nowNs;
        port.stateChanged(next, role, reason);
    }

    void start(long nowNs, boolean holder) {
        stateSinceNs = nowNs;
        claimFirst = holder;
        if (task.manifest() != null) {
            awaitingManifest = true;
            transition(AgentState.DISCOVERING, nowNs, "fetching the trusted manifest");
            if (!holder) {
                // Before the fetch, which may answer at once: asking needs no manifest, only a claim does.
                leadership.discoverAwaitingManifest(nowNs);
            }
            port.fetchTrustedManifest(task);
            return;
        }
        leadership.beginElection(nowNs, "task started");
    }

    // ---------------------------------------------------------------- local pause

    /** @return whether the agent was paused locally (not by its representative) */
    boolean locallyPaused() {
        return state == AgentState.PAUSED && stateBeforePause != null;
    }

    /** While paused locally: the state to resume into. */
    void resumeInto(AgentState back) {
        stateBeforePause = back;
    }

    void pause(long nowNs) {
        if (state == AgentState.PAUSED || state.isTerminal() || state == AgentState.COMPLETE) {
            return;
        }
        stateBeforePause = state;
        if (term != null) {
            term.pause(nowNs); // the whole session pauses; the term's phase shows as PAUSED
            return;
        }
        if (role == Role.MEMBER) {
            member.pause();
        }
        transition(AgentState.PAUSED, nowNs, "paused locally");
    }

    void resume(long nowNs) {
        if (state != AgentState.PAUSED || stateBeforePause == null) {
            return;
        }
        AgentState back = stateBeforePause;
        stateBeforePause = null;
        if (term != null) {
            term.resume(nowNs);
            return;
        }
        if (role == Role.UNDECIDED && back != AgentState.DISCOVERING && back != AgentState.CLAIMING) {
            leadership.enterDiscovering(nowNs, "resumed locally; the session it was in is gone");
            return;
        }
        if (role == Role.MEMBER && (back == AgentState.DISCOVERING || back == AgentState.CLAIMING)) {
            // It followed a session while paused: resume as the member it became; beacons set the phase.
            back = completion.published() ? AgentState.COMPLETE : AgentState.WAITING;
        }
        if (role == Role.MEMBER) {
            member.rejoin();
        }
        if (back == AgentState.REPAIRING) {
            member.planRepair(nowNs);
        }
        transition(back, nowNs, "resumed locally");
    }

    SessionProgress progress(long nowNs) {
        BlockFile held = store;
        return new SessionProgress(task.taskId(), state, role, held == null ? 0 : held.bytesHeld(),
                held == null ? -1 : held.layout().length(),
                term != null ? term.membersKnown() : member.membersKnown(),
                term != null ? term.membersComplete() : member.membersComplete(),
                term != null ? term.startDelayRemainingMs(nowNs) : member.startDelayRemainingMs(), epoch,
                completion.bytesFromOrigin() + planner.bytesFromOrigin(), member.bytesFromMulticast(),
                member.bytesFromRepair() + planner.bytesFromPeers(), member.fallback(),
                term == null ? 0 : term.passBytes(), basis.bytesFound());
    }
}
