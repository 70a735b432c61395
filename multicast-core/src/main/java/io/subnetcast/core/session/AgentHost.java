package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.RepairContext;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.send.RepresentativeHost;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Status;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.IntPredicate;

/**
 * The agent as its parts see it: what repair, the representative's term and the member read of it
 * (its store, chunks and peers, the session's identity) and where their effects go. Each method
 * forwards to the part of {@link AgentContext} that owns it; nothing is kept here.
 */
final class AgentHost implements RepairContext, RepresentativeHost, MemberHost {
    private final AgentContext agent;

    AgentHost(AgentContext agent) {
        this.agent = agent;
    }

    @Override
    public TaskSpec task() {
        return agent.task;
    }

    @Override
    public BlockFile store() {
        return agent.store;
    }

    @Override
    public ChunkTracker tracker() {
        return agent.tracker;
    }

    @Override
    public PeerDirectory peers() {
        return agent.haves.directory();
    }

    @Override
    public long selfNodeId() {
        return agent.nodeId;
    }

    @Override
    public URI representativeUrl() {
        return agent.member.representativeUrl();
    }

    @Override
    public long advertGapNs(long nowNs) {
        // A stretched interval is drawn from [1/2, 3/2) of itself; twice it also covers one lost advert.
        return 2 * agent.config.reportSchedule().advertIntervalNs(agent.agentsHeard(nowNs) + 1);
    }

    @Override
    public void fetchingWhatPeersLack(int block, int offsetInBlock, int length) {
        if (agent.term != null) {
            agent.term.passSendsAlso(block, offsetInBlock, length);
        }
    }

    @Override
    public boolean originAllowed(int block, long nowNs) {
        if (agent.term != null) {
            return agent.term.originAllowed(block); // the rest is its download's
        }
        // Silence for the member timeout (10 s), not the representative timeout (2 s): a member in
        // repair elects no successor, and a representative on a loaded host (or a member whose own
        // thread was starved) may miss a few beacons without being gone.
        return !(agent.role == Role.MEMBER && agent.sessionId != 0
                && nowNs - agent.member.lastBeaconNs() < agent.config.memberTimeout().toNanos());
    }

    @Override
    public long representativeNodeId() {
        return agent.role == Role.MEMBER ? agent.leaderNodeId : 0;
    }

    @Override
    public boolean repairable(int block) {
        return agent.planner.repairable(block);
    }

    @Override
    public boolean originServesRanges() {
        return agent.originAcceptsRanges;
    }

    @Override
    public boolean basisInProgress() {
        return agent.basis.inProgress();
    }

    @Override
    public boolean published() {
        return agent.completion.published();
    }

    @Override
    public String blockServerUrl() {
        return agent.haves.blockServerUrl();
    }

    @Override
    public void sendControl(Control message) {
        agent.port.sendControl(message);
    }

    @Override
    public boolean sendChunk(BlockFile chunkStore, long session, int termEpoch, int block, int offsetInBlock,
                             int length, int sequence, int flags) {
        return agent.port.sendChunk(chunkStore, session, termEpoch, block, offsetInBlock, length, sequence, flags);
    }

    @Override
    public void fetchMissing(IntPredicate wanted) {
        agent.fetching = true;
        agent.port.fetchMissing(agent.task, agent.store, wanted);
    }

    @Override
    public void requestPublish() {
        agent.completion.requestPublish();
    }

    @Override
    public void lingerFrom(long nowNs) {
        agent.completion.lingerFrom(nowNs);
    }

    @Override
    public void extendLinger(long nowNs) {
        agent.completion.extendLinger(nowNs);
    }

    @Override
    public void phaseChanged(Representative.Phase next, long nowNs, String reason) {
        agent.transition(switch (next) {
            case STARTING -> AgentState.FETCHING;
            case SENDING -> AgentState.SENDING;
            case SERVING -> AgentState.COMPLETE;
            case PAUSED -> AgentState.PAUSED;
        }, nowNs, reason);
    }

    // ---------------------------------------------------------------- the member's host

    @Override
    public AgentState state() {
        return agent.state;
    }

    @Override
    public void transition(AgentState next, long nowNs, String reason) {
        agent.transition(next, nowNs, reason);
    }

    @Override
    public boolean locallyPaused() {
        return agent.locallyPaused();
    }

    @Override
    public void resumeInto(AgentState back) {
        agent.resumeInto(back);
    }

    @Override
    public long sessionId() {
        return agent.sessionId;
    }

    @Override
    public int epoch() {
        return agent.epoch;
    }

    @Override
    public long leaderNodeId() {
        return agent.leaderNodeId;
    }

    @Override
    public InetSocketAddress dataGroup() {
        return agent.dataGroup;
    }

    @Override
    public boolean recoveringFromOrigin() {
        return agent.recoveringFromOrigin;
    }

    @Override
    public void joinDataGroup() {
        agent.port.joinDataGroup(agent.dataGroup);
    }

    @Override
    public void leaveDataGroup() {
        agent.port.leaveDataGroup();
    }

    @Override
    public long receiveDrops() {
        return agent.port.receiveDrops();
    }

    @Override
    public void sendStatus(Status.Builder status) {
        agent.port.sendControl(agent.control().setStatus(status).build());
    }

    @Override
    public void advertSoon(long nowNs) {
        agent.haves.sendSoon(nowNs);
    }

    @Override
    public int agentsHeard(long nowNs) {
        return agent.agentsHeard(nowNs);
    }

    @Override
    public void fail(long nowNs, String reason) {
        agent.fail(nowNs, reason);
    }

    @Override
    public void recoverFromOrigin(long nowNs, String reason) {
        agent.completion.recoverFromOrigin(nowNs, reason);
    }

    @Override
    public void representativeLost(long nowNs) {
        agent.leadership.representativeLost(nowNs);
    }

    @Override
    public void sessionLostWhilePaused(long nowNs) {
        agent.leaveSession(nowNs);
        agent.leadership.enterDiscovering(nowNs, "representative went silent while paused");
    }
}
