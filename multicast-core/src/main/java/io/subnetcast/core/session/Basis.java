package io.subnetcast.core.session;

import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.fsm.StateMachine;
import io.subnetcast.core.receive.ChunkTracker;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's older versions of the package (its basis files), Express style: once the trusted
 * manifest is in hand the cache entry opens from its layout; the delta units the manifest names
 * are fetched once the agent knows its role (the representative from the origin, a member from its
 * representative, so that a subnet takes them from the origin once), the port scans the basis
 * files for them, and what the scan found is told to every chunk tracker.
 *
 * <p>The election does not wait for any of this: a scan of a large package takes seconds, and an
 * agent without a basis would be elected before it ends. Until the scan ends this agent's claims
 * count what its basis files may hold, so that an agent holding an older version is likeliest to
 * represent the subnet (one without would fetch from the origin every block an edit touched), and
 * a representative's download and pass wait for the scan.
 */
final class Basis {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAgent.class);

    /** Where the use of the basis files stands. */
    enum Stage {
        /** No basis files, or they cannot be used (no delta units, no SHA-256): nothing to do. */
        NONE,
        /** The entry is open; the units are fetched once the agent's role is known. */
        AWAITING_UNITS,
        /** The units are being fetched. */
        FETCHING_UNITS,
        /** The port scans the basis files. */
        SCANNING,
        /** The scan ended (or the units could not be had); {@link #holdings} says what it found. */
        DONE
    }

    /** Where a representative without basis files stands in fetching the units for its members. */
    private enum Relay { NONE, FETCHING, KEPT, FAILED }

    private final AgentContext agent;
    private final StateMachine<Stage> stage;
    private Relay relay = Relay.NONE;
    private long estimate;
    private BasisHoldings holdings;

    Basis(AgentContext agent) {
        this.agent = agent;
        this.stage = StateMachine.builder("task " + agent.task.taskId() + " basis", LOG, Stage.NONE)
                .allow(Stage.NONE, Stage.AWAITING_UNITS)
                .allow(Stage.AWAITING_UNITS, Stage.FETCHING_UNITS)
                .allow(Stage.FETCHING_UNITS, Stage.SCANNING, Stage.DONE)
                .allow(Stage.SCANNING, Stage.DONE)
                .build();
    }

    /**
     * The trusted manifest arrived: opens the cache entry if there are basis files to use.
     *
     * @return false when the task failed (the entry cannot be opened)
     */
    boolean prepare(TrustedManifest manifest, long nowNs) {
        long length = agent.port.basisLength(agent.task);
        if (length <= 0) {
            return true;
        }
        String identity = agent.task.contentIdentityOrNull();
        if (!manifest.namesUnits() || identity == null) {
            LOG.warn("task {}: basis files ignored: {}", agent.task.taskId(), !manifest.namesUnits()
                    ? "the trusted manifest names no delta units (write it again with this version of 'subnetcast manifest')"
                    : "the task names no SHA-256 for the package");
            return true;
        }
        if (!agent.completion.openStore(manifest.layout().length(), manifest.layout().blockSize(), identity, nowNs)) {
            return false;
        }
        estimate = Math.min(length, manifest.layout().length());
        stage.to(Stage.AWAITING_UNITS, nowNs, length + " bytes of basis files; delta units wanted");
        return true;
    }

    /** @return whether the basis files may still add to the entry: claims count them, a pass waits */
    boolean inProgress() {
        return stage.is(Stage.AWAITING_UNITS) || stage.is(Stage.FETCHING_UNITS) || stage.is(Stage.SCANNING);
    }

    /** @return while in progress, what the basis files may hold (their length, at most the package's); else 0 */
    long estimate() {
        return inProgress() ? estimate : 0;
    }

    /**
     * The agent's role is known: fetch the units, once.
     *
     * @param peer the representative's block server URL for the task, or null to ask the origin
     */
    void fetchUnits(URI peer, long nowNs) {
        if (stage.is(Stage.AWAITING_UNITS)) {
            stage.to(Stage.FETCHING_UNITS, nowNs, peer == null ? "from the origin" : "from " + peer);
            agent.port.fetchUnits(agent.task, agent.trusted, peer);
        }
    }

    /**
     * A member scans, or waits to scan, basis files, and asks its representative for the delta units
     * before the origin: a representative without basis files of its own fetches them from the
     * origin once and keeps them for its members (else each would wait out its retries and fetch
     * them from the origin, and scan too late for the download to take what it found).
     */
    void relayUnits(long nowNs) {
        if (relay != Relay.NONE || wasUsed() || agent.term == null || agent.store == null || agent.trusted == null
                || !agent.trusted.namesUnits()) {
            return;
        }
        relay = Relay.FETCHING;
        LOG.info("task {}: a member has basis files: fetching the delta units for it", agent.task.taskId());
        agent.port.fetchUnits(agent.task, agent.trusted, null);
    }

    /** See {@link SessionAgent#onUnits}. */
    void onUnits(TrustedManifest withUnits, long nowNs) {
        if (relay == Relay.FETCHING) {
            relay = Relay.KEPT;
            agent.port.keepUnits(agent.store, withUnits);
            return;
        }
        if (!stage.is(Stage.FETCHING_UNITS) || agent.state.isTerminal() || agent.store == null) {
            return;
        }
        agent.trusted = withUnits;
        stage.to(Stage.SCANNING, nowNs, withUnits.units().unitCount() + " delta units in hand");
        agent.port.scanBasis(agent.task, agent.store, withUnits);
    }

    /** See {@link SessionAgent#onUnitsFailed}. */
    void onUnitsFailed(String reason, long nowNs) {
        if (relay == Relay.FETCHING) {
            relay = Relay.FAILED;
            LOG.info("task {}: delta units not relayed to members: {}", agent.task.taskId(), reason);
            return;
        }
        if (!stage.is(Stage.FETCHING_UNITS) || agent.state.isTerminal()) {
            return;
        }
        LOG.warn("task {}: basis files not used: {}", agent.task.taskId(), reason);
        stage.to(Stage.DONE, nowNs, reason);
        carryOn(nowNs);
    }

    /** See {@link SessionAgent#onBasisScanned}. */
    void onScanned(BasisScan scan, long nowNs) {
        if (!stage.is(Stage.SCANNING) || agent.state.isTerminal() || agent.store == null) {
            return;
        }
        stage.to(Stage.DONE, nowNs, "scanned: " + scan.bytesFound() + " bytes found");
        if (scan.failure() != null) {
            LOG.warn("task {}: basis scan stopped: {}", agent.task.taskId(), scan.failure());
        }
        LOG.info("task {}: basis files hold {} of {} bytes ({} bytes in whole blocks); scanned {} bytes at {} MB/s",
                agent.task.taskId(), scan.bytesFound(), agent.store.layout().length(), agent.store.bytesHeld(),
                scan.bytesScanned(), Math.round(scan.megabytesPerSecond()));
        if (scan.bytesFound() > 0) {
            holdings = new BasisHoldings(scan);
            if (agent.tracker != null) {
                seed(agent.tracker); // a member already following its session
            }
        }
        carryOn(nowNs);
    }

    /** What waited for the basis goes on: a representative's pass; a member's adverts, its publishing. */
    private void carryOn(long nowNs) {
        if (agent.term != null) {
            if (agent.originProbed) {
                agent.leadership.startTermPass(nowNs); // else the probe's answer starts it
            }
            return;
        }
        if (agent.role == Role.MEMBER) {
            agent.member.sendStatus(nowNs); // its first status, with what the basis files held
        }
        if (agent.haves.active()) {
            agent.haves.send(nowNs); // the representative's pass learns at once what no longer needs sending
        }
        if (agent.role == Role.MEMBER && agent.store != null && agent.store.isComplete()) {
            agent.completion.requestPublish();
        }
    }

    /** Records in a new chunk tracker what the basis files held of the blocks still missing. */
    void seed(ChunkTracker tracker) {
        if (holdings == null) {
            return;
        }
        try {
            holdings.seed(tracker, agent.store);
        } catch (IOException e) {
            LOG.warn("task {}: cannot use what the basis files hold: {}", agent.task.taskId(), e.getMessage());
        }
    }

    /** @return whether the agent was given basis files it could use (it opened its entry for them) */
    boolean wasUsed() {
        return !stage.is(Stage.NONE);
    }

    /** @return whether the basis files held anything of the package */
    boolean heldSome() {
        return holdings != null;
    }

    /**
     * @param block a block of the entry
     * @return whether the basis files held more than half of it
     */
    boolean holdsMostOf(int block) {
        return holdings != null && agent.store != null && holdings.holdsMostOf(block, agent.store.layout());
    }

    /** @return package bytes found in the basis files */
    long bytesFound() {
        return holdings == null ? 0 : holdings.bytes();
    }

    /** The cache entry was replaced: what the basis files put into the old one is gone with it. */
    void forgetHoldings() {
        holdings = null;
    }
}
