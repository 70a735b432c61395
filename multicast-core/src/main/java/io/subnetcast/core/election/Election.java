package io.subnetcast.core.election;

import io.subnetcast.core.fsm.StateMachine;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the session of a task on the subnet, or elects the agent that starts one.
 *
 * <p>An agent asks on the control group whether a session exists and waits for a beacon until the
 * discovery deadline ({@link State#DISCOVERING}), asking once more halfway there: a representative
 * answers every question at once (and every claim too), so the window need not wait out several
 * beacon intervals, only a lost question or answer. It does not ask again when another agent asked
 * meanwhile ({@link #onDiscoverHeard}): the representative's answer is multicast and serves both, and
 * a thousand agents that start together would otherwise ask two thousand times. Hearing none, it claims the role
 * ({@link State#CLAIMING}): after a random back-off it sends a claim, unless a better one
 * ({@link Rank}) was heard already, and at the end of the claim window the best claimant it heard
 * of wins. Every agent that heard the same claims reaches the same verdict without synchronised
 * clocks; the back-off keeps fifty simultaneous starters from sending fifty claims. A loser goes
 * back to discovering and waits for the winner's beacon, claiming again if none comes.
 *
 * <p>A claimant still unbeaten halfway between its claim and the verdict claims once more: with one
 * claim, a single lost datagram let a worse claimant that missed it declare itself elected beside
 * the better one, and both fetched from the origin until their beacons met (seen under 5% receive
 * loss in the failover test). Two claims make that a loss of both.
 *
 * <p>A verdict that runs late (more than a twentieth of the claim window, 20 ms by default; a
 * timer of an engine that runs is late by a millisecond or two) does not declare this agent
 * elected at once: its process was stalled (a starved or pausing JVM). What arrived meanwhile, a
 * better claimant's claim or beacon, may be waiting unread in its socket, and a stall longer than
 * about a second also ages the better claim it heard out of what it remembers. It claims again
 * instead, in a fresh window: the engine reads what waits before that window ends, and a
 * representative answers the claim at once. Seen with four agent JVMs starting together on two
 * cores: verdicts ran 0.4 to 1 s late, two or more agents declared themselves elected in 7 of
 * about 12 runs, and in one two of them fetched the package. A round grants the fresh window
 * {@value #LATE_VERDICT_RECLAIMS} time, so that a node that is always late still decides; it
 * costs a stalled winner one claim window.
 *
 * <p>An owner that cannot yet say what its claim must count (a delta task's agent before its trusted
 * manifest names the package) holds the claim ({@link #holdClaim}): it discovers meanwhile, and
 * past the deadline stays discovering until {@link #releaseClaim}. The discovery window then runs
 * alongside that fetch instead of after it.
 *
 * <p>Hearing a session's beacon ends the election whatever its state: the owner calls
 * {@link #stop}. Sans-IO: the owner drives it with the current time and carries out what it asks
 * through its {@link Listener}.
 */
public final class Election {
    private static final Logger LOG = LoggerFactory.getLogger(Election.class);
    /** Claims a claimant sends while unbeaten: the second survives the loss of the first. */
    private static final int CLAIMS = 2;
    /** Fresh claim windows a round grants after a late verdict before it decides on what it has. */
    private static final int LATE_VERDICT_RECLAIMS = 1;

    /** The states of one election. */
    public enum State {
        /** Not electing: not started, following a session, or leading one. */
        IDLE,
        /** Asked whether a session exists; waiting for a beacon until the discovery deadline. */
        DISCOVERING,
        /** No session found: claiming the role, and deciding at the end of the claim window. */
        CLAIMING
    }

    /** What an election asks its owner to do. */
    public interface Listener {
        /** Sends a discovery: "is there a session of this task?". */
        void sendDiscover();

        /**
         * Sends a claim.
         *
         * @param mine this agent's rank
         */
        void sendClaim(Rank mine);

        /**
         * The election entered a state other than {@link State#IDLE}.
         *
         * @param state {@link State#DISCOVERING} or {@link State#CLAIMING}
         * @param reason why, for the owner's own state log
         * @param nowNs current time
         */
        void entered(State state, String reason, long nowNs);

        /**
         * This agent won: it is the representative now. The election is {@link State#IDLE}.
         *
         * @param nowNs current time
         */
        void elected(long nowNs);
    }

    private final long discoveryTimeoutNs;
    private final long claimJitterNs;
    private final long claimWindowNs;
    private final long lateVerdictNs;
    private final RandomGenerator random;
    private final Listener listener;
    private final StateMachine<State> machine;

    private long discoveryDeadlineNs;
    private long discoverAgainNs;
    private boolean discoverAgain;
    // Another agent asked since this one last asked: the answer to it answers this one too.
    private boolean otherAsked;
    private long questionsSpared;
    private long claimSendNs;
    private long claimDeadlineNs;
    private int claimsSent;
    private int lateVerdictReclaims;
    private Rank bestClaim;
    private long bestClaimHeardNs;
    private boolean claimHeld;

    /**
     * @param name the task, for log lines
     * @param discoveryTimeoutNs how long to wait for a beacon before claiming
     * @param claimJitterNs the upper bound of the random back-off before a claim is sent
     * @param claimWindowNs how long claims are collected before the verdict
     * @param random source of the back-off; the agent's own, so that a seeded simulation replays
     * @param listener carries out what the election asks
     */
    public Election(String name, long discoveryTimeoutNs, long claimJitterNs, long claimWindowNs, RandomGenerator random,
                    Listener listener) {
        this.discoveryTimeoutNs = discoveryTimeoutNs;
        this.claimJitterNs = claimJitterNs;
        this.claimWindowNs = claimWindowNs;
        this.lateVerdictNs = claimWindowNs / 20;
        this.random = random;
        this.listener = listener;
        this.machine = StateMachine.builder("task " + name + " election", LOG, State.IDLE)
                .allow(State.IDLE, State.DISCOVERING, State.CLAIMING)
                .allow(State.DISCOVERING, State.DISCOVERING, State.CLAIMING, State.IDLE)
                .allow(State.CLAIMING, State.DISCOVERING, State.CLAIMING, State.IDLE)
                .build();
    }

    // ---------------------------------------------------------------- events

    /**
     * Asks whether a session exists and waits for its beacon.
     *
     * @param nowNs current time
     * @param reason why, for the log
     */
    public void discover(long nowNs, String reason) {
        state(State.DISCOVERING, nowNs, reason);
        listener.sendDiscover();
    }

    /**
     * Keeps a discovering election from claiming, past its deadline too, until {@link #releaseClaim}.
     * It still asks and listens; a beacon heard meanwhile is the owner's to act on.
     */
    public void holdClaim() {
        claimHeld = true;
    }

    /** Lets a held election claim: at once if its discovery deadline passed (the next {@link #doWork}). */
    public void releaseClaim() {
        claimHeld = false;
    }

    /**
     * Claims at once, without asking first: every agent here knew the session that just lost its
     * representative, so there is nothing to discover.
     *
     * @param nowNs current time
     * @param reason why, for the log
     */
    public void claim(long nowNs, String reason) {
        state(State.CLAIMING, nowNs, reason);
    }

    /**
     * Another agent claimed.
     *
     * @param rank its rank
     * @param nowNs current time
     */
    public void onClaim(Rank rank, long nowNs) {
        if (rank.beats(recentBestClaim(nowNs))) {
            bestClaim = rank;
            bestClaimHeardNs = nowNs;
        }
    }

    /**
     * Another agent asked whether a session exists: this one need not ask again, since a
     * representative answers on the control group, and its periodic beacons still come within the
     * discovery window if that answer is lost.
     *
     * @param nowNs current time
     */
    public void onDiscoverHeard(long nowNs) {
        if (machine.state() == State.DISCOVERING && discoverAgain && nowNs - discoverAgainNs < 0) {
            otherAsked = true;
        }
    }

    /** @return second questions not sent because another agent asked meanwhile */
    public long questionsSpared() {
        return questionsSpared;
    }

    /**
     * Ends the election: a session was found (or this agent leads one, or stops).
     *
     * @param nowNs current time
     * @param reason why, for the log
     */
    public void stop(long nowNs, String reason) {
        if (machine.state() != State.IDLE) {
            state(State.IDLE, nowNs, reason);
        }
    }

    /**
     * Runs the deadlines of the current state.
     *
     * @param nowNs current time
     * @param mine this agent's rank now (its bytes held may have grown)
     */
    public void doWork(long nowNs, Rank mine) {
        switch (machine.state()) {
            case DISCOVERING -> onDiscovering(nowNs);
            case CLAIMING -> onClaiming(nowNs, mine);
            case IDLE -> {
            }
            default -> throw new IllegalStateException(machine.state().name());
        }
    }

    /** @return when {@link #doWork} next has something to do */
    public long nextWakeNs() {
        return switch (machine.state()) {
            case DISCOVERING -> discoverAgain ? discoverAgainNs : claimHeld ? Long.MAX_VALUE : discoveryDeadlineNs;
            case CLAIMING -> claimsSent < CLAIMS ? Math.min(claimSendNs, claimDeadlineNs) : claimDeadlineNs;
            case IDLE -> Long.MAX_VALUE;
        };
    }

    /** @return the current state */
    public State state() {
        return machine.state();
    }

    /**
     * @param state a state
     * @return how often the election entered it
     */
    public long entries(State state) {
        return machine.entries(state);
    }

    // ---------------------------------------------------------------- states

    private void onDiscovering(long nowNs) {
        if (discoverAgain && nowNs - discoverAgainNs >= 0) {
            discoverAgain = false;
            if (otherAsked) {
                questionsSpared++;
            } else if (nowNs - discoveryDeadlineNs < 0) {
                listener.sendDiscover();
            }
        }
        if (nowNs - discoveryDeadlineNs >= 0 && !claimHeld) {
            state(State.CLAIMING, nowNs, "no session found");
        }
    }

    private void onClaiming(long nowNs, Rank mine) {
        Rank better = recentBestClaim(nowNs);
        long lateNs = nowNs - claimDeadlineNs;
        if (lateNs > lateVerdictNs && lateVerdictReclaims < LATE_VERDICT_RECLAIMS && mine.beats(better)) {
            // Stalled past the verdict: what arrived meanwhile is unread and what was heard may have
            // aged out. Claim in a fresh window rather than lead beside a better claimant.
            int reclaims = lateVerdictReclaims + 1;
            state(State.CLAIMING, nowNs, "verdict " + lateNs / 1_000_000 + " ms late (stalled); claiming again");
            lateVerdictReclaims = reclaims; // the same round: a new one (state) starts from none
            return;
        }
        if (claimsSent < CLAIMS && nowNs - claimSendNs >= 0 && (claimsSent == 0 || nowNs - claimDeadlineNs < 0)) {
            claimsSent++;
            claimSendNs = nowNs + (claimDeadlineNs - nowNs) / 2;
            if (mine.beats(better)) {
                listener.sendClaim(mine);
            } else {
                claimsSent = CLAIMS;
            }
        }
        if (nowNs - claimDeadlineNs >= 0) {
            if (mine.beats(better)) {
                state(State.IDLE, nowNs, "elected");
                listener.elected(nowNs);
            } else {
                // A better claimant exists: wait for its beacon, and claim again if none comes.
                state(State.DISCOVERING, nowNs, "a better claimant exists");
            }
        }
    }

    /**
     * The best claim heard recently enough that its claimant may have won and beaconed without this
     * agent hearing the beacon: its verdict comes at most a claim window and a back-off after the
     * claim, and its beacons (or its answer to this agent's question) within a discovery timeout
     * after that. Forgetting it sooner let a worse claimant whose one beacon from the winner was lost
     * declare itself elected beside it (seen in 1 of 20 simulated subnets under 1% control loss).
     */
    private Rank recentBestClaim(long nowNs) {
        return bestClaim != null && nowNs - bestClaimHeardNs <= claimWindowNs + claimJitterNs + discoveryTimeoutNs
                ? bestClaim : null;
    }

    private void state(State next, long nowNs, String reason) {
        machine.to(next, nowNs, reason);
        switch (next) {
            case DISCOVERING -> {
                discoveryDeadlineNs = nowNs + discoveryTimeoutNs;
                discoverAgainNs = nowNs + discoveryTimeoutNs / 2;
                discoverAgain = true;
                otherAsked = false;
            }
            case CLAIMING -> {
                lateVerdictReclaims = 0;
                claimsSent = 0;
                claimSendNs = nowNs + (claimJitterNs > 0 ? random.nextLong(claimJitterNs) : 0);
                claimDeadlineNs = nowNs + claimWindowNs;
            }
            case IDLE -> {
                return;
            }
            default -> throw new IllegalStateException(next.name());
        }
        listener.entered(next, reason, nowNs);
    }
}
