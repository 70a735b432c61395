package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.IntegrityException;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.fetch.HttpPeerTransfer;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.BasisScan;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionPort} of one task on an engine: carries out what the task's
 * {@link SessionAgent} does on the engine's sockets (through a {@link TaskDatagramWriter}), block
 * cache and block server, HTTP fetcher (through {@link OriginFetches}) and verifier thread.
 * Results of slow actions are posted back to the engine thread as the agent's events. Runs on the
 * engine thread.
 */
final class TaskPort implements SessionPort {
    private static final Logger LOG = LoggerFactory.getLogger(TaskPort.class);

    private final DistributionTask task;
    private final EngineResources engine;
    private final TaskDatagramWriter writer;
    // Set once by attach, right after the agent is made with this port: each needs the other.
    private SessionAgent agent;
    private ProgressReporter progress;
    private OriginFetches origin;
    private InetSocketAddress joinedGroup;
    private PeerTransfer peerTransfer;

    TaskPort(DistributionTask task, EngineResources engine) {
        this.task = task;
        this.engine = engine;
        this.writer = new TaskDatagramWriter(task.key(), task.encryptData(), engine.transport(), engine.controlGroup());
    }

    /**
     * @param served the agent this port acts for, which its results go to
     * @param reporter where the agent's state changes are reported
     */
    void attach(SessionAgent served, ProgressReporter reporter) {
        this.agent = served;
        this.progress = reporter;
        this.origin = new OriginFetches(engine, served);
    }

    /** @return whether the task has joined its session's data group */
    boolean receivesData() {
        return joinedGroup != null;
    }

    /** Lets go of what the task holds: its download, its data group and its cache entry. */
    void release() {
        origin.stop();
        if (joinedGroup != null) {
            engine.transport().leaveGroup(joinedGroup);
            joinedGroup = null;
        }
        BlockFile store = agent.store();
        if (store != null) {
            if (engine.blockServer() != null) {
                engine.blockServer().unregister(store);
            }
            try {
                store.close();
            } catch (IOException e) {
                LOG.warn("task {}: closing the cache entry failed: {}", task.taskId(), e.getMessage());
            }
        }
    }

    @Override
    public void sendControl(Control message) {
        writer.sendControl(message);
    }

    @Override
    public int datagramOverhead() {
        return writer.overhead();
    }

    @Override
    public boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                             int sequence, int flags) {
        try {
            return writer.sendChunk(store, agent.dataGroup(), sessionId, epoch, block, offsetInBlock, length, sequence,
                    flags);
        } catch (IOException e) {
            agent.onTransportFailure("cannot read block " + block + " from the cache: " + e.getMessage(),
                    engine.nowNs());
            return false;
        }
    }

    @Override
    public void joinDataGroup(InetSocketAddress group) {
        if (group.equals(joinedGroup)) {
            return;
        }
        leaveDataGroup();
        joinedGroup = group;
        engine.transport().joinGroup(group, cause -> agent.onTransportFailure("cannot join data group "
                + group.getAddress().getHostAddress() + ":" + group.getPort() + " on "
                + engine.transport().networkInterface().name() + ": " + cause.getMessage(), engine.nowNs()));
    }

    @Override
    public void leaveDataGroup() {
        if (joinedGroup != null) {
            engine.transport().leaveGroup(joinedGroup);
            joinedGroup = null;
        }
    }

    @Override
    public long receiveDrops() {
        return joinedGroup == null ? -1 : engine.transport().receiveDrops(joinedGroup);
    }

    @Override
    public BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException {
        BlockFile previous = agent.store();
        if (previous != null && engine.blockServer() != null) {
            engine.blockServer().unregister(previous);
        }
        BlockFile store = engine.cache().open(taskId, length, blockSize, identity);
        store.hashAheadOn(engine.verifier()); // the package's SHA-256 taken as blocks arrive, not all at the end
        if (engine.blockServer() != null) {
            engine.blockServer().register(store, task.key());
        }
        return store;
    }

    @Override
    public PeerTransfer peerTransfer() {
        if (peerTransfer == null) {
            TaskSpec spec = task.spec();
            peerTransfer = new HttpPeerTransfer(engine.fetcher(), task.key(), spec.taskId(), spec.origin(),
                    engine.engineThread(), engine.clock());
        }
        return peerTransfer;
    }

    @Override
    public URI blockServerUrl(String taskId) {
        return engine.blockServer() == null ? null : engine.blockServer().urlOf(taskId);
    }

    @Override
    public void probeOrigin(TaskSpec spec) {
        origin.probe(spec);
    }

    @Override
    public void fetchMissing(TaskSpec spec, BlockFile store, IntPredicate wanted) {
        origin.fetchMissing(spec, store, wanted);
    }

    @Override
    public void fetchTrustedManifest(TaskSpec spec) {
        origin.fetchTrustedManifest(spec);
    }

    @Override
    public void cancelFetch() {
        origin.cancel();
    }

    @Override
    public long basisLength(TaskSpec spec) {
        long length = 0;
        for (Path file : task.basis()) {
            try {
                length += Files.size(file);
            } catch (IOException e) {
                LOG.warn("task {}: basis file {} cannot be read: {}", task.taskId(), file, e.getMessage());
            }
        }
        return length;
    }

    @Override
    public void fetchUnits(TaskSpec spec, TrustedManifest manifest, URI peer) {
        origin.fetchUnits(spec, manifest, peer, task.key() == null ? null : task.key().peerAuthorization(task.taskId()));
    }

    @Override
    public void keepUnits(BlockFile store, TrustedManifest manifest) {
        try {
            engine.verifier().execute(() -> keepUnitsNow(store, manifest));
        } catch (RejectedExecutionException e) {
            LOG.debug("task {}: engine closing, delta units not kept", task.taskId());
        }
    }

    private void keepUnitsNow(BlockFile store, TrustedManifest manifest) {
        try {
            store.keepUnits(manifest.unitsBytes()); // for this agent's peers
        } catch (IOException | RuntimeException e) {
            LOG.warn("task {}: delta units not kept for peers: {}", task.taskId(), e.getMessage());
        }
    }

    @Override
    public void scanBasis(TaskSpec spec, BlockFile store, TrustedManifest manifest) {
        try {
            // On the verifier's thread: a scan reads and hashes at disk speed, as placing a package does.
            engine.verifier().execute(() -> {
                keepUnitsNow(store, manifest);
                BasisScan scan = BasisSeeder.seed(manifest.units(), store, task.basis());
                engine.post(() -> agent.onBasisScanned(scan, engine.nowNs()));
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("task {}: engine closing, basis scan skipped", task.taskId());
        }
    }

    @Override
    public void publish(TaskSpec spec, BlockFile store) {
        Path destination = task.destination();
        try {
            engine.verifier().execute(() -> {
                try {
                    Path placed = destination;
                    if (destination == null) {
                        store.verifyInPlace(spec.sha256()); // pre-caching: the cache keeps it
                        placed = store.contentPath();
                    } else {
                        store.publish(destination, spec.sha256());
                    }
                    Path where = placed;
                    engine.post(() -> agent.onPublished(where, engine.nowNs()));
                } catch (IntegrityException e) {
                    engine.post(() -> agent.onPublishMismatch(e.getMessage(), engine.nowNs()));
                } catch (IOException | RuntimeException e) {
                    engine.post(() -> agent.onPublishFailed((destination == null ? "cannot verify the cached package: "
                            : "cannot place " + destination + ": ") + e.getMessage(), engine.nowNs()));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("task {}: engine closing, publish skipped", task.taskId());
        }
    }

    @Override
    public void stateChanged(AgentState state, Role role, String reason) {
        LOG.info("task {}: {} as {}: {}", task.taskId(), state, role, reason);
        long now = engine.nowNs();
        progress.report(agent.progress(now), now, reason);
    }
}
