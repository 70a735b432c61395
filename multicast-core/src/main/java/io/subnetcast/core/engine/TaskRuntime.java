package io.subnetcast.core.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.auth.DatagramSealer;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.fetch.HttpPeerTransfer;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task on an engine: the handle the embedder holds, and the {@link SessionPort} that binds the
 * task's {@link SessionAgent} to the engine's sockets, HTTP fetcher, cache and verifier thread.
 * Everything but the handle methods runs on the engine thread.
 */
final class TaskRuntime implements DistributionHandle, SessionPort, DatagramDispatcher.Target {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRuntime.class);

    private final SubnetcastEngine engine;
    private final DistributionTask task;
    private final SessionAgent agent;
    /**
     * Seal the datagrams of a task with a key; null for a task without one. Control and data have a
     * sealer (a sender id and sequence) each: they arrive on different sockets, so a receiver may
     * take a burst of data before a control datagram sent earlier, and one sequence across both
     * would push that control datagram out of the replay window.
     */
    private final DatagramSealer controlSealer;
    private final DatagramSealer sealer;
    private final CompletableFuture<Path> completion = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final List<Consumer<ProgressEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile SessionProgress progress;
    private InetSocketAddress joinedGroup;
    private PackageDownloader.Download download;
    private String validator;
    private String lastReason = "";
    private long lastProgressNs;
    private long lastProgressBytes;
    // The block the sender is reading chunks from, read once per block rather than once per chunk.
    private ByteBuffer sendBlock;
    private int sendBlockIndex = -1;
    private BlockFile sendBlockStore;
    private PeerTransfer peerTransfer;

    TaskRuntime(SubnetcastEngine engine, DistributionTask task, RandomGenerator random) {
        this.engine = engine;
        this.task = task;
        this.controlSealer = task.key() == null ? null : new DatagramSealer(task.key(), task.encryptData());
        this.sealer = task.key() == null ? null : new DatagramSealer(task.key(), task.encryptData());
        this.agent = new SessionAgent(task.spec(), engine.config(), engine.engineNodeId(), this, random,
                engine.repairFactory());
        this.progress = agent.progress(engine.clock().nanoTime());
    }

    @Override
    public SessionAgent agent() {
        return agent;
    }

    @Override
    public String taskId() {
        return task.taskId();
    }

    @Override
    public SessionKey key() {
        return task.key();
    }

    @Override
    public boolean receivesData() {
        return joinedGroup != null;
    }

    void start(long nowNs) {
        lastProgressNs = nowNs;
        agent.start(nowNs);
    }

    /** Completes the futures once the agent reached an outcome. */
    void settle(long nowNs) {
        if (!completion.isDone()) {
            if (agent.publishedPath() != null) {
                completion.complete(agent.publishedPath());
            } else if (agent.state() == AgentState.FAILED) {
                completion.completeExceptionally(new DistributionException(agent.failure()));
            } else if (agent.state() == AgentState.CANCELLED) {
                completion.cancel(false);
            }
        }
    }

    boolean isFinished(long nowNs) {
        return agent.isFinished(nowNs);
    }

    /** Stops the task for good: cancels what runs, leaves groups, closes the cache entry. */
    void shutdown(long nowNs) {
        if (!agent.state().isTerminal() && agent.state() != AgentState.COMPLETE) {
            agent.cancel(nowNs);
        }
        settle(nowNs);
        if (download != null) {
            download.cancel();
        }
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
        reportProgress(nowNs, "stopped");
        finished.complete(null);
    }

    void reportProgress(long nowNs, String reason) {
        if (reason != null) {
            lastReason = reason;
        }
        SessionProgress snapshot = agent.progress(nowNs);
        double seconds = (nowNs - lastProgressNs) / 1e9;
        double rate = seconds > 0 ? (snapshot.bytesHeld() - lastProgressBytes) / seconds : 0;
        if (seconds >= 0.2 || reason != null) {
            lastProgressNs = nowNs;
            lastProgressBytes = snapshot.bytesHeld();
        }
        progress = snapshot;
        ProgressEvent event = new ProgressEvent(snapshot, Math.max(0, rate), lastReason);
        for (Consumer<ProgressEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("progress listener of task {} failed", task.taskId(), e);
            }
        }
    }

    // ------------------------------------------------------------ DistributionHandle

    @Override
    public DistributionTask task() {
        return task;
    }

    @Override
    public CompletableFuture<Path> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<Void> finished() {
        return finished;
    }

    @Override
    public SessionProgress progress() {
        return progress;
    }

    @Override
    public void onProgress(Consumer<ProgressEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void pause() {
        engine.post(() -> agent.pause(engine.clock().nanoTime()));
    }

    @Override
    public void resume() {
        engine.post(() -> agent.resume(engine.clock().nanoTime()));
    }

    @Override
    public void cancel() {
        engine.post(() -> agent.cancel(engine.clock().nanoTime()));
    }

    // ------------------------------------------------------------ SessionPort

    @Override
    public void sendControl(Control message) {
        ByteBuf datagram = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, message);
        if (controlSealer != null) {
            datagram = controlSealer.seal(PooledByteBufAllocator.DEFAULT, datagram);
        }
        engine.transport().write(datagram, engine.controlGroup());
    }

    @Override
    public int datagramOverhead() {
        return sealer == null ? 0 : SealedHeader.OVERHEAD;
    }

    @Override
    public boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                             int sequence, int flags) {
        if (!engine.transport().isWritable()) {
            engine.transport().flush();
            return false;
        }
        ByteBuffer blockBytes;
        try {
            blockBytes = blockForSending(store, block);
        } catch (IOException e) {
            agent.onTransportFailure("cannot read block " + block + " from the cache: " + e.getMessage(),
                    engine.clock().nanoTime());
            return false;
        }
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(datagramOverhead() + DataHeader.LENGTH + length);
        try {
            int sealedStart = sealer == null ? -1 : sealer.begin(datagram);
            DataHeader.write(datagram, flags, length, sessionId, epoch, block, offsetInBlock, sequence);
            datagram.writeBytes(blockBytes.duplicate().position(offsetInBlock).limit(offsetInBlock + length));
            if (sealer != null) {
                sealer.finish(datagram, sealedStart); // in place: no second buffer, no copy
            }
        } catch (RuntimeException e) {
            datagram.release();
            throw e;
        }
        engine.transport().write(datagram, agent.dataGroup());
        return true;
    }

    private ByteBuffer blockForSending(BlockFile store, int block) throws IOException {
        if (sendBlock == null || sendBlock.capacity() < store.layout().blockSize()) {
            sendBlock = ByteBuffer.allocateDirect(store.layout().blockSize());
            sendBlockIndex = -1;
        }
        if (block != sendBlockIndex || store != sendBlockStore) {
            sendBlock.clear().limit(store.layout().lengthOf(block));
            store.read(store.layout().offsetOf(block), sendBlock);
            sendBlock.clear();
            sendBlockIndex = block;
            sendBlockStore = store;
        }
        return sendBlock;
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
                + engine.transport().networkInterface().name() + ": " + cause.getMessage(), engine.clock().nanoTime()));
    }

    @Override
    public void leaveDataGroup() {
        if (joinedGroup != null) {
            engine.transport().leaveGroup(joinedGroup);
            joinedGroup = null;
        }
    }

    @Override
    public BlockFile openStore(String taskId, long length, int blockSize, String identity) throws IOException {
        BlockFile previous = agent.store();
        if (previous != null && engine.blockServer() != null) {
            engine.blockServer().unregister(previous);
        }
        BlockFile store = engine.cache().open(taskId, length, blockSize, identity);
        if (engine.blockServer() != null) {
            engine.blockServer().register(store, task.key());
        }
        return store;
    }

    @Override
    public PeerTransfer peerTransfer() {
        if (peerTransfer == null) {
            TaskSpec spec = task.spec();
            peerTransfer = new HttpPeerTransfer(engine.httpFetcher(), task.key(), spec.taskId(), spec.origin(),
                    engine::post, engine.clock());
        }
        return peerTransfer;
    }

    @Override
    public URI blockServerUrl(String taskId) {
        return engine.blockServer() == null ? null : engine.blockServer().urlOf(taskId);
    }

    @Override
    public void probeOrigin(TaskSpec spec) {
        engine.downloader().probe(spec.origin()).whenComplete((info, failure) -> engine.post(() -> {
            long now = engine.clock().nanoTime();
            if (failure != null) {
                agent.onFetchFailed(reason(failure), now);
            } else {
                validator = info.rangeValidator().orElse(null);
                agent.onPackageInfo(info.length(), validator == null ? "" : validator, now);
            }
        }));
    }

    @Override
    public void fetchMissing(TaskSpec spec, BlockFile store, IntPredicate wanted) {
        download = engine.downloader().download(spec.origin(), store, validator, wanted,
                block -> engine.post(() -> agent.onBlockFetched(block, engine.clock().nanoTime())));
        PackageDownloader.Download current = download;
        current.completion().whenComplete((ignored, failure) -> {
            if (failure != null && !(unwrap(failure) instanceof CancellationException)) {
                engine.post(() -> {
                    if (download == current) {
                        agent.onFetchFailed(reason(failure), engine.clock().nanoTime());
                    }
                });
            }
        });
    }

    @Override
    public void fetchTrustedManifest(TaskSpec spec) {
        byte[][] received = {new byte[4096]};
        int[] size = {0};
        engine.httpFetcher().fetch(io.subnetcast.core.fetch.FetchRequest.whole(spec.manifest()), (at, data) -> {
            long end = at + data.readableBytes();
            if (end > TrustedManifest.MAX_BYTES) {
                throw new IOException("manifest at " + spec.manifest() + " is larger than " + TrustedManifest.MAX_BYTES + " bytes");
            }
            if (end > received[0].length) {
                received[0] = java.util.Arrays.copyOf(received[0], (int) Math.min(TrustedManifest.MAX_BYTES,
                        Math.max(end, 2L * received[0].length)));
            }
            data.getBytes(data.readerIndex(), received[0], (int) at, data.readableBytes());
            size[0] = (int) Math.max(size[0], end);
        }).whenComplete((result, failure) -> engine.post(() -> {
            long now = engine.clock().nanoTime();
            if (failure != null) {
                agent.onFetchFailed("cannot fetch the trusted manifest: " + reason(failure), now);
                return;
            }
            try {
                agent.onTrustedManifest(TrustedManifest.parse(java.util.Arrays.copyOf(received[0], size[0]),
                        spec.manifestSha256()), now);
            } catch (IOException | IllegalArgumentException e) {
                agent.onFetchFailed("trusted manifest " + spec.manifest() + " refused: " + e.getMessage(), now);
            }
        }));
    }

    @Override
    public void cancelFetch() {
        if (download != null) {
            download.cancel();
            download = null;
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
                    engine.post(() -> agent.onPublished(where, engine.clock().nanoTime()));
                } catch (io.subnetcast.core.cache.IntegrityException e) {
                    engine.post(() -> agent.onPublishMismatch(e.getMessage(), engine.clock().nanoTime()));
                } catch (IOException | RuntimeException e) {
                    engine.post(() -> agent.onPublishFailed((destination == null ? "cannot verify the cached package: "
                            : "cannot place " + destination + ": ") + e.getMessage(),
                            engine.clock().nanoTime()));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("task {}: engine closing, publish skipped", task.taskId());
        }
    }

    @Override
    public void stateChanged(AgentState state, Role role, String reason) {
        LOG.info("task {}: {} as {}: {}", task.taskId(), state, role, reason);
        reportProgress(engine.clock().nanoTime(), reason);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
