package io.subnetcast.core.session;

import io.subnetcast.core.election.Election;
import io.subnetcast.core.election.Leader;
import io.subnetcast.core.election.Rank;
import io.subnetcast.core.election.Succession;
import io.subnetcast.core.receive.BeaconCheck;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.send.Term;
import io.subnetcast.core.send.TermSettings;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Claim;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Discover;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whom the agent follows: it runs the {@link Election} and {@link Succession}, starts a term as
 * {@link Representative} when elected, and decides on every beacon whether to follow it, keep
 * leading, or ignore it. The election's states show as the agent's DISCOVERING and CLAIMING; the
 * role ({@link Role}) changes here only.
 */
final class Leadership implements Election.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAgent.class);
    private static final long MS = 1_000_000L;

    private final AgentContext agent;
    private final Election election;
    private final Succession succession;

    Leadership(AgentContext agent) {
        this.agent = agent;
        SessionConfig config = agent.config;
        this.election = new Election(agent.task.taskId(), config.discoveryTimeout().toNanos(),
                config.claimJitter().toNanos(), config.claimWindow().toNanos(), agent.random, this);
        this.succession = new Succession(config.claimWindow().toNanos() + config.claimJitter().toNanos(),
                config.representativeTimeout().toNanos());
    }

    // ---------------------------------------------------------------- election

    /**
     * The first election of the task: an agent asks whether a session exists; one that holds the
     * package and was started because a newcomer asked that claims the role at once, so that it
     * wins before the newcomer's discovery ends.
     */
    void beginElection(long nowNs, String reason) {
        if (agent.claimFirst) {
            agent.role = Role.UNDECIDED;
            election.claim(nowNs, reason + "; holds the package and a newcomer looks for a session");
        } else {
            enterDiscovering(nowNs, reason);
        }
    }

    /**
     * A task with a trusted manifest: the agent asks for its session while the manifest is fetched,
     * but claims only once it is in hand (a claim counts what the basis files may hold, and an agent
     * elected must check every block it fetches). The discovery window so runs alongside the fetch.
     */
    void discoverAwaitingManifest(long nowNs) {
        election.holdClaim();
        enterDiscovering(nowNs, "task started; asking while the trusted manifest is fetched");
    }

    /** A beacon before the trusted manifest: the latest is followed once the manifest is in hand; no claim meanwhile. */
    void onBeaconAwaitingManifest(Control message) {
        agent.beaconBeforeManifest = message;
    }

    /** The trusted manifest is in hand: the session heard of meanwhile is followed, or the election may claim. */
    void onManifestArrived(long nowNs, String reason) {
        Control heard = agent.beaconBeforeManifest;
        agent.beaconBeforeManifest = null;
        if (agent.claimFirst) {
            beginElection(nowNs, reason); // a holder's election starts with its claim, as without a manifest
            return;
        }
        election.releaseClaim();
        if (heard != null) {
            onBeacon(heard, heard.getBeacon(), nowNs);
        }
    }

    void enterDiscovering(long nowNs, String reason) {
        agent.role = Role.UNDECIDED;
        election.discover(nowNs, reason);
    }

    void doElectionWork(long nowNs) {
        election.doWork(nowNs, myRank());
    }

    long electionWakeNs() {
        return election.nextWakeNs();
    }

    private Rank myRank() {
        long held = agent.store == null ? 0 : agent.store.bytesHeld();
        return new Rank(agent.task.priority(), Math.max(held, agent.basis.estimate()), agent.nodeId);
    }

    void onClaim(Control message, Claim claim, long nowNs) {
        succession.onClaim(message.getNodeId(), message.getEpoch(), nowNs);
        election.onClaim(new Rank(claim.getPriority(), claim.getBytesHeld(), message.getNodeId()), nowNs);
        if (agent.term != null) {
            agent.term.sendUnsolicitedBeacon(nowNs);
        }
    }

    void onDiscover(long nowNs) {
        agent.questions.heard(nowNs);
        election.onDiscoverHeard(nowNs);
        if (agent.term != null) {
            agent.term.sendUnsolicitedBeacon(nowNs);
        }
    }

    /** The representative followed went silent: everyone here knew the session, so elect a successor now. */
    void representativeLost(long nowNs) {
        String lost = Long.toHexString(agent.leaderNodeId);
        agent.haves.forget(agent.leaderNodeId); // its adverts would make a successor wait for blocks from the dead
        agent.leaveSession(nowNs);
        agent.role = Role.UNDECIDED;
        election.claim(nowNs, "representative " + lost + " went silent");
    }

    @Override
    public void sendDiscover() {
        agent.port.sendControl(agent.control().setDiscover(Discover.getDefaultInstance()).build());
    }

    @Override
    public void sendClaim(Rank mine) {
        agent.port.sendControl(agent.control().setClaim(Claim.newBuilder()
                .setPriority(agent.task.priority()).setBytesHeld(mine.bytesHeld())).build());
    }

    @Override
    public void entered(Election.State next, String reason, long nowNs) {
        agent.transition(next == Election.State.CLAIMING ? AgentState.CLAIMING : AgentState.DISCOVERING, nowNs, reason);
    }

    @Override
    public void elected(long nowNs) {
        SessionConfig config = agent.config;
        agent.role = Role.REPRESENTATIVE;
        agent.epoch = succession.startOwnTerm(nowNs);
        agent.sessionId = agent.random.nextLong();
        agent.leaderNodeId = agent.nodeId;
        agent.leaderPriority = agent.task.priority();
        agent.dataGroup = config.dataGroupFor(agent.sessionId);
        agent.term = new Representative(new Term(agent.task.taskId(), agent.nodeId, agent.task.priority(),
                agent.task.sha256(), agent.sessionId, agent.epoch, agent.dataGroup),
                new TermSettings(config.beaconInterval().toNanos(), config.reportSchedule(), config.mtu(),
                        config.rateBitsPerSecond(), config.adaptiveRate(), config.nakInterval().toNanos(),
                        config.nakThreshold(), config.maxMembers()),
                nowNs + startDelayForNewTerm(nowNs), agent.host, agent.planner);
        agent.member.onBecameRepresentative(nowNs);
        agent.transition(AgentState.FETCHING, nowNs, "elected representative, epoch " + agent.epoch);
        agent.term.sendBeacon(nowNs);
        if (agent.store == null) {
            agent.fetching = true;
            agent.port.probeOrigin(agent.task);
        } else if (!agent.basis.inProgress()) {
            startTermPass(nowNs);
        } else {
            // The pass starts when the scan of the basis files ends and the origin said whether it
            // serves ranges (the gaps the basis leaves are fetched as ranges only if it does).
            agent.basis.fetchUnits(null, nowNs);
            agent.fetching = true;
            agent.port.probeOrigin(agent.task);
        }
    }

    /**
     * A first representative waits the configured start delay so that others can join. A successor
     * (its members were already in a session) keeps what was left of the old session's delay, and
     * at least one beacon interval, so that the members' advertisements of what they hold arrive
     * before its pass decides what to send.
     */
    private long startDelayForNewTerm(long nowNs) {
        return succession.startDelayForNewTerm(agent.config.startDelay().toNanos(),
                agent.config.beaconInterval().toNanos(), agent.member.startDelayRemainingMs() * MS,
                nowNs - agent.member.lastBeaconNs());
    }

    /** The layout is known: the term plans its pass and fetches what it lacks, or publishes. */
    void startTermPass(long nowNs) {
        agent.chunkSize = agent.config.chunkSize() - agent.port.datagramOverhead();
        // Without the older version members may hold (a delta task), the download waits a round of
        // their adverts: a member that scans says so, and the download then waits for what it finds.
        boolean membersMayHoldSome = agent.trusted != null && agent.trusted.namesUnits() && !agent.basis.heldSome();
        if ((agent.basis.heldSome() || membersMayHoldSome)
                && (agent.tracker == null || agent.tracker.chunkSize() != agent.chunkSize)) {
            // Partly held blocks, here or at members: the download leaves those to repair, which fetches
            // the gaps (and a member's parts) chunk by chunk.
            agent.tracker = agent.newTracker(agent.chunkSize);
        }
        agent.fetching = false; // the probe's; the term starts the download it needs
        agent.term.startFetchOrPublish(agent.chunkSize,
                membersMayHoldSome ? nowNs + agent.config.haveInterval().toNanos() : nowNs, nowNs);
    }

    private void stepDown(long nowNs, String reason) {
        LOG.info("task {}: representative (epoch {}) steps down: {}", agent.task.taskId(), agent.epoch, reason);
        agent.cancelFetch();
        agent.term = null;
        agent.role = Role.MEMBER;
        AgentState asMember = agent.completion.published() ? AgentState.COMPLETE : AgentState.WAITING;
        if (agent.state == AgentState.PAUSED) {
            // Paused locally as representative: resume as the member it now is.
            agent.resumeInto(asMember);
        } else {
            // No moment as a member that fetches or sends: the phase of the session followed next decides.
            agent.transition(asMember, nowNs, "stepped down: " + reason);
        }
    }

    // ---------------------------------------------------------------- beacons

    /**
     * A beacon: follow it, keep leading, or ignore it. Everything a beacon says is checked before
     * anything changes, so a beacon that cannot be followed changes nothing. Without a session key
     * anyone on the LAN can send one; to make a takeover harder than one datagram, an agent that
     * has a live representative (or is one) hands over only to a rival it has evidence of: the
     * rival's claim in the election that just made it representative (and then an epoch at most one
     * above the highest seen), or its beacons heard without a gap for the representative timeout (a
     * healed partition). See {@link Succession#justifiesHandover}.
     */
    void onBeacon(Control message, Beacon beacon, long nowNs) {
        int otherEpoch = message.getEpoch();
        long otherNode = message.getNodeId();
        Leader rival = new Leader(otherEpoch, beacon.getPriority(), otherNode);
        boolean contested;
        if (agent.term != null) {
            if (new Leader(agent.epoch, agent.task.priority(), agent.nodeId).beats(rival)) {
                agent.term.sendUnsolicitedBeacon(nowNs); // the other one will step down when it hears us
                return;
            }
            contested = true;
        } else if (agent.role == Role.MEMBER && otherNode != agent.leaderNodeId && agent.sessionId != 0) {
            boolean leaderAlive = nowNs - agent.member.lastBeaconNs() < agent.config.representativeTimeout().toNanos();
            if (leaderAlive && new Leader(agent.epoch, agent.leaderPriority, agent.leaderNodeId).beats(rival)) {
                return; // a weaker representative that will step down
            }
            contested = leaderAlive;
        } else {
            contested = false;
        }
        InetSocketAddress group = BeaconCheck.followableDataGroup(beacon,
                agent.trusted == null ? null : agent.trusted.layout(), agent.task.contentIdentityOrNull());
        if (group == null) {
            agent.invalidDatagrams++; // a beacon we could not follow is no reason to stop leading or following
            return;
        }
        if (contested && !succession.justifiesHandover(otherNode, otherEpoch, agent.epoch, nowNs)) {
            if (agent.term != null) {
                agent.term.sendUnsolicitedBeacon(nowNs); // a real rival hears us, and its beacons go on if it is better
            }
            return;
        }
        if (agent.term != null) {
            stepDown(nowNs, "heard representative " + Long.toHexString(otherNode) + " of epoch " + otherEpoch);
        }
        follow(message, beacon, group, nowNs);
    }

    private void follow(Control message, Beacon beacon, InetSocketAddress group, long nowNs) {
        election.stop(nowNs, "found a session");
        boolean newSession = agent.role != Role.MEMBER || beacon.getSessionId() != agent.sessionId;
        agent.role = Role.MEMBER;
        if (agent.state == AgentState.DISCOVERING || agent.state == AgentState.CLAIMING) {
            // A member from this moment on; the session's phase, applied below, moves it on from here.
            agent.transition(agent.completion.published() ? AgentState.COMPLETE : AgentState.WAITING, nowNs,
                    "joined session of " + Long.toHexString(message.getNodeId()));
        }
        agent.sessionId = beacon.getSessionId();
        agent.epoch = message.getEpoch();
        succession.onFollowed(agent.epoch, newSession, nowNs);
        agent.leaderNodeId = message.getNodeId();
        agent.leaderPriority = beacon.getPriority();
        agent.member.onBeaconHeard(beacon, newSession, nowNs);
        if (newSession) {
            agent.dataGroup = group;
            agent.haves.joined(nowNs);
            LOG.debug("task {}: following session {} of {} (epoch {})", agent.task.taskId(),
                    Long.toHexString(agent.sessionId), Long.toHexString(agent.leaderNodeId), agent.epoch);
        }
        if (beacon.getBlockSize() != 0 && (agent.tracker == null || newSession)) {
            if (!agent.completion.openStore(beacon.getPackageLength(), beacon.getBlockSize(),
                    beacon.getContentIdentity(), nowNs)) {
                return;
            }
            agent.chunkSize = beacon.getChunkSize();
            // A successor's session of the same content keeps the chunks received from its predecessor:
            // under loss they are most of every block sent, though few blocks are whole.
            if (agent.tracker == null || agent.tracker.chunkSize() != agent.chunkSize) {
                agent.tracker = agent.newTracker(agent.chunkSize);
            }
            if (agent.store.isComplete()) {
                agent.completion.requestPublish(); // its cache (or basis) held every block already
            }
        }
        // Its representative holds the delta units (or soon will): the subnet takes them from the origin once.
        agent.basis.fetchUnits(BeaconCheck.blockServerUrl(beacon.getRepairUrl()), nowNs);
        agent.member.onBeaconFollowed(beacon, newSession, nowNs);
    }
}
