package io.subnetcast.core.session;

import io.subnetcast.core.peers.HaveAdvertiser;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.BeaconCheck;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.send.ReportSchedule;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Have;
import java.net.URI;
import java.util.function.IntPredicate;

/**
 * What this agent and its peers hold: the periodic Have advert it sends for its cache entry, and
 * the {@link PeerDirectory} of what the session's other agents advertise, which repair and a
 * successor's pass read.
 */
final class HaveExchange {
    /** Longest repair URL taken from a peer's advert. */
    private static final int MAX_URL_LENGTH = 2048;

    private final AgentContext agent;
    private final HaveAdvertiser advertiser = new HaveAdvertiser();
    private PeerDirectory directory;
    private long nextHaveNs;
    // The advert due next is a first one spread over an interval: the next follows by exactly one.
    private boolean spreadFirstNext;
    // The advert due next carries news at a random point of an interval (see sendSoon).
    private boolean newsPending;

    HaveExchange(AgentContext agent) {
        this.agent = agent;
    }

    /** A new cache entry: what peers advertised for the old one no longer applies. */
    void reset(PeerDirectory empty) {
        directory = empty;
    }

    /** @return what peers advertise, or null before a cache entry */
    PeerDirectory directory() {
        return directory;
    }

    /** Forgets a peer (a representative that went silent): its adverts would make others wait for it. */
    void forget(long nodeId) {
        if (directory != null) {
            directory.remove(nodeId);
        }
    }

    /** @return whether this agent advertises now: it has a session and a cache entry */
    boolean active() {
        return !agent.state.isTerminal() && agent.sessionId != 0 && agent.store != null;
    }

    /** @return when the next advert is due */
    long nextWakeNs() {
        return nextHaveNs;
    }

    void doWork(long nowNs) {
        if (active() && nowNs - nextHaveNs >= 0) {
            send(nowNs);
        }
    }

    void onHave(Control message, Have have, long nowNs) {
        if (directory == null || have.getSessionId() != agent.sessionId || have.getRepairUrl().length() > MAX_URL_LENGTH
                || have.getHeld().size() > ControlCodec.MAX_CONTROL_BYTES) {
            return;
        }
        if (have.getMostlyHeld().size() > ControlCodec.MAX_CONTROL_BYTES
                || !directory.update(message.getNodeId(), BeaconCheck.blockServerUrl(have.getRepairUrl()), have.getComplete(),
                have.getFirstBlock(), have.getHeld().toByteArray(), have.getMostlyHeld().toByteArray(),
                have.getPreparing(), nowNs)) {
            agent.invalidDatagrams++;
        } else if (have.getPreparing()) {
            agent.basis.relayUnits(nowNs);
        }
    }

    /**
     * A new session followed: its first advert is due at once in a small session; in a crowd (as
     * many agents as this one heard of) at a random point of one stretched advert interval, so
     * that members that follow the same beacon do not all advertise in its millisecond.
     */
    void joined(long nowNs) {
        long delay = agent.config.reportSchedule().advertNewsDelayNs(agent.agentsHeard(nowNs) + 1, agent.random);
        nextHaveNs = nowNs + delay;
        spreadFirstNext = delay > 0;
        newsPending = delay > 0;
    }

    /**
     * Advertises what this agent holds now in a small session, within a random part of an advert
     * interval in a large one ({@link ReportSchedule#advertNewsDelayNs}).
     *
     * @return when the advert is due (the agent lingers at least until then)
     */
    long sendSoon(long nowNs) {
        if (newsPending && nextHaveNs - nowNs > 0) {
            // News already waits for its random moment and the advert says what is held when sent:
            // drawing again and keeping the sooner would crowd the start of the interval.
            return nextHaveNs;
        }
        int agents = agent.agentsHeard(nowNs) + 1;
        long delay = agent.config.reportSchedule().advertNewsDelayNs(agents, agent.random);
        if (delay == 0) {
            send(nowNs);
            return nowNs;
        }
        if (nowNs + delay - nextHaveNs < 0) {
            nextHaveNs = nowNs + delay;
            spreadFirstNext = false;
            newsPending = true;
        }
        return nextHaveNs;
    }

    /**
     * Advertises what this agent holds, now, and restarts the interval. A representative keeps the
     * configured interval whatever the session's size: every member's repair looks for the blocks
     * it holds, and one agent's adverts are no storm (RTCP likewise sets senders' reports apart
     * from the receivers' share, RFC 3550, section 6.2). Stretched to a thousand agents' interval
     * (10 to 30 s), its adverts left members waiting that long for the blocks it had.
     */
    void send(long nowNs) {
        int agents = agent.agentsHeard(nowNs) + 1;
        ReportSchedule reports = agent.config.reportSchedule();
        if (agent.term != null) {
            nextHaveNs = nowNs + reports.nextAdvertDelayNs(1, agent.random);
        } else {
            // After a first advert drawn from one interval, a random draw would crowd the next interval.
            nextHaveNs = nowNs + (spreadFirstNext ? reports.advertIntervalNs(agents)
                    : reports.nextAdvertDelayNs(agents, agent.random));
        }
        spreadFirstNext = false;
        newsPending = false;
        if (directory != null) {
            // Peers that left, and ids a stranger made up, stop counting as members that lack blocks.
            directory.expire(nowNs - reports.advertSilenceNs(agents));
        }
        if (agent.basis.inProgress()) {
            // Not what it holds so far: the pass would send blocks the scan is about to find.
            agent.port.sendControl(agent.control().setHave(Have.newBuilder().setSessionId(agent.sessionId)
                    .setRepairUrl(blockServerUrl()).setBlockCount(agent.store.layout().blockCount())
                    .setPreparing(true)).build());
            return;
        }
        agent.port.sendControl(agent.control().setHave(advertiser.next(agent.store, agent.sessionId, blockServerUrl(),
                mostlyHeld())).build());
    }

    /**
     * Blocks this agent holds more than half of, chunk by chunk or, before it knows the chunks,
     * unit by unit (an older version of the package gave it most of them, say): a pass need not
     * send them when its gap repair fetches the rest.
     * Null when there are none or no gap repair would fetch their gaps.
     */
    private IntPredicate mostlyHeld() {
        ChunkTracker tracker = agent.tracker;
        if (!agent.planner.hasGapRepair()) {
            return null;
        }
        if (tracker == null) {
            // The session's chunk size is not known yet (its representative's pass is being planned,
            // and waits for this advert): what the basis files held, unit by unit, tells it.
            return agent.basis.heldSome() ? agent.basis::holdsMostOf : null;
        }
        return tracker.partialBlocks() == 0 ? null : block -> 2 * tracker.chunksHeld(block) > tracker.chunksIn(block);
    }

    /** @return this agent's block server URL for the task, empty when it serves none */
    String blockServerUrl() {
        URI url = agent.port.blockServerUrl(agent.task.taskId());
        return url == null ? "" : url.toString();
    }
}
