package io.subnetcast.core.session;

import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.Representative;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Nak;

/**
 * Hands a control message of the agent's task to the part that owns it, after the checks that
 * apply to every part: not our own looped-back datagram, not after the end, not before blocks can
 * be checked, and (for session traffic) the session and sender this agent follows.
 */
final class ControlIntake {
    private final AgentContext agent;

    ControlIntake(AgentContext agent) {
        this.agent = agent;
    }

    void onControl(Control message, long nowNs) {
        if (message.getNodeId() == agent.nodeId || agent.state.isTerminal() || agent.recoveringFromOrigin) {
            return; // our own datagram looped back, we are done, or we left the session for the origin
        }
        if (agent.awaitingManifest) {
            onControlAwaitingManifest(message, nowNs);
            return;
        }
        Representative term = agent.term;
        boolean member = agent.role == Role.MEMBER;
        switch (message.getBodyCase()) {
            case DISCOVER -> agent.leadership.onDiscover(nowNs);
            case CLAIM -> agent.leadership.onClaim(message, message.getClaim(), nowNs);
            case BEACON -> agent.leadership.onBeacon(message, message.getBeacon(), nowNs);
            case MANIFEST -> {
                // Not once placing began: the entry turns read-only on the verifier's thread first.
                if (member && agent.store != null && !agent.completion.publishRequested() && agent.trusted == null
                        && message.getManifest().getSessionId() == agent.sessionId) {
                    agent.member.onManifest(message.getNodeId(), message.getEpoch(), message.getManifest());
                }
            }
            case STATUS -> {
                if (term != null) {
                    term.onStatus(message.getNodeId(), message.getStatus(), nowNs);
                }
            }
            case NAK -> onNak(message.getNodeId(), message.getNak(), nowNs);
            case END -> {
                if (member && message.getEnd().getSessionId() == agent.sessionId
                        && message.getNodeId() == agent.leaderNodeId) {
                    agent.member.onEnd(message.getEnd(), nowNs);
                }
            }
            case HAVE -> agent.haves.onHave(message, message.getHave(), nowNs);
            default -> agent.invalidDatagrams++;
        }
    }

    /**
     * Before the trusted manifest no block can be checked: only the election listens (claims count
     * towards its verdict, a beacon is kept for when the manifest arrives); session traffic waits.
     */
    private void onControlAwaitingManifest(Control message, long nowNs) {
        switch (message.getBodyCase()) {
            case CLAIM -> agent.leadership.onClaim(message, message.getClaim(), nowNs);
            case BEACON -> agent.leadership.onBeaconAwaitingManifest(message);
            default -> {
            }
        }
    }

    private void onNak(long source, Nak nak, long nowNs) {
        if (nak.getSessionId() != agent.sessionId) {
            return;
        }
        int ranges = Math.min(nak.getRangesCount(), RepairPlanner.MAX_NAK_RANGES);
        if (agent.role == Role.MEMBER) {
            agent.planner.suppress(nak, ranges); // a block another member already asked for is not asked again
        } else if (agent.term != null && !agent.term.onNak(source, nak, ranges, nowNs)) {
            agent.retransmitRequestsRefused++;
        }
    }
}
