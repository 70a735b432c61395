package io.subnetcast.core.engine;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.clock.NanoClock;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.transport.EventLoops;
import io.subnetcast.core.transport.MulticastInterface;
import io.subnetcast.core.transport.MulticastTransport;
import io.subnetcast.core.transport.ReceiveBind;
import io.subnetcast.core.wire.ControlCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs subnetcast sessions on one network interface: the library's entry point.
 *
 * <pre>{@code
 * try (SubnetcastEngine engine = SubnetcastEngine.builder()
 *         .networkInterface("eth0")
 *         .cacheDirectory(Path.of("/var/cache/subnetcast"))
 *         .build()) {
 *     DistributionHandle handle = engine.distribute(
 *             DistributionTask.of("office-2026", URI.create("https://origin/office.msi"), Path.of("/opt/office.msi"))
 *                     .withSha256(sha256));
 *     handle.onProgress(event -> log(event.progress()));
 *     Path placed = handle.completion().get();
 * }
 * }</pre>
 *
 * <p>Every agent of the subnet that is given the same task finds the others through the control
 * group; one of them fetches the package once and multicasts it. The engine owns one event-loop
 * thread for all protocol work, a thread for whole-file verification, and (unless one is supplied)
 * an HTTP fetcher; {@link #close()} stops them all.
 */
public final class SubnetcastEngine implements AutoCloseable {
    /** Default control group: in the organisation-local scope 239.255.0.0/16. */
    public static final InetSocketAddress DEFAULT_CONTROL_GROUP = new InetSocketAddress("239.255.0.1", 41_234);
    private static final Logger LOG = LoggerFactory.getLogger(SubnetcastEngine.class);

    private final SessionConfig config;
    private final NanoClock clock;
    private final long nodeId;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final MulticastTransport transport;
    private final HttpFetcher fetcher;
    private final boolean ownFetcher;
    private final ExecutorService verifier;
    private final BlockServer blockServer;
    private final EngineResources resources;
    private final RunningTasks tasks = new RunningTasks();
    private final HeldPackages held;
    private final WorkCycle work;
    private volatile boolean closed;

    private SubnetcastEngine(Builder builder, SessionConfig config, MulticastInterface networkInterface)
            throws IOException {
        this.config = config;
        this.clock = builder.clock;
        InetSocketAddress controlGroup = builder.controlGroup;
        BlockCache cache = BlockCache.open(builder.cacheDirectory);
        this.nodeId = builder.nodeId != 0 ? builder.nodeId : ThreadLocalRandom.current().nextLong();
        this.group = EventLoops.newGroup(1, new DefaultThreadFactory("subnetcast-engine", true));
        this.loop = group.next();
        this.verifier = Executors.newSingleThreadExecutor(new DefaultThreadFactory("subnetcast-verify", true));
        this.ownFetcher = builder.fetcher == null;
        this.fetcher = ownFetcher ? HttpFetcher.builder().build() : builder.fetcher;
        this.work = new WorkCycle(loop, clock, tasks, this::flush, () -> closed);
        int maxDatagram = Math.max(config.mtu(), ControlCodec.MAX_CONTROL_BYTES + SealedHeader.OVERHEAD);
        BlockServer server = null;
        try {
            server = builder.blockServer
                    ? new BlockServer(new InetSocketAddress(networkInterface.address(), builder.blockServerPort)) : null;
            this.transport = MulticastTransport.open(loop, networkInterface, controlGroup, maxDatagram, builder.loss, work,
                    builder.receiveBind);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            shutDownThreads();
            throw e;
        }
        this.blockServer = server;
        this.resources = new EngineResources(config, nodeId, clock, transport, controlGroup, cache, server, fetcher,
                new PackageDownloader(fetcher), verifier, builder.repairFactory, this::post);
        this.held = new HeldPackages(tasks, task -> new EngineTask(task, resources,
                new SplittableRandom(nodeId ^ task.taskId().hashCode()), true));
        LOG.info("engine {} on {} ({}), control group {}:{}, {} transport, receive sockets bound to the {}, cache {}",
                Long.toHexString(nodeId), networkInterface.name(), networkInterface.address().getHostAddress(),
                controlGroup.getAddress().getHostAddress(), controlGroup.getPort(),
                EventLoops.isEpoll(group) ? "epoll" : "NIO",
                builder.receiveBind == ReceiveBind.GROUP ? "group" : "wildcard address", cache.root());
    }

    /** @return a builder; the network interface and cache directory are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this engine's node id, random per start */
    public long nodeId() {
        return nodeId;
    }

    /**
     * @return counts of datagrams dropped for lack of authenticity: forged, replayed, plain ones
     *     addressed to a task with a key, sealed with a key no task here holds
     */
    public AuthCounters authCounters() {
        return tasks.authCounters();
    }

    /**
     * @return well-formed datagrams dropped because no task of this engine has their task or
     *     session: traffic of other deployments or sessions that reached a shared socket (see
     *     {@link ReceiveBind#WILDCARD})
     */
    public long foreignDatagrams() {
        return tasks.foreignDatagrams();
    }

    /** @return what the receive sockets are bound to */
    public ReceiveBind receiveBind() {
        return transport.receiveBind();
    }

    /** @return the interface multicast runs on */
    public MulticastInterface networkInterface() {
        return transport.networkInterface();
    }

    /** @return the protocol settings */
    public SessionConfig config() {
        return config;
    }

    /**
     * Starts taking part in a task's session on this subnet.
     *
     * <p>Returns at once and never waits for the engine thread, so it may be called from any thread,
     * the engine's own included (from a progress listener, or a callback on another task's future).
     * The task is checked and its id reserved on the caller's thread, then started on the engine
     * thread, where everything the task does happens: commands given to the handle right away
     * ({@link DistributionHandle#cancel()} and the like) take effect after it started. Should the
     * engine close before the task started, the task ends as {@link #close()} ends running ones: its
     * completion is cancelled and {@link DistributionHandle#finished()} completes.
     *
     * @param task the task
     * @return its handle
     * @throws IllegalStateException if the engine is closed or already runs a task of this id
     * @throws IllegalArgumentException if the destination's directory does not exist, the
     *     destination is a directory, or a task of this engine uses another key with the same key id
     */
    public DistributionHandle distribute(DistributionTask task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        EngineTask.requirePlaceable(task);
        EngineTask started = new EngineTask(task, resources, new SplittableRandom(nodeId ^ task.taskId().hashCode()));
        tasks.claim(started);
        try {
            loop.execute(() -> begin(started));
        } catch (RejectedExecutionException e) {
            tasks.abandon(started, clock.nanoTime()); // the engine thread is gone: nothing else touches the task
            throw new IllegalStateException("engine is closed", e);
        }
        return started.handle();
    }

    /** Engine thread: starts a task {@link #distribute} handed over. */
    private void begin(EngineTask task) {
        long now = clock.nanoTime();
        if (closed) {
            tasks.abandon(task, now);
            return;
        }
        try {
            tasks.start(task, now);
        } catch (RuntimeException e) {
            // claim() refuses whatever start() would: a bug, which must not leave a handle that never completes
            LOG.error("task {}: cannot start", task.taskId(), e);
            tasks.abandon(task, now);
            return;
        }
        work.afterEvent();
    }

    /**
     * Keeps serving a package this engine holds, after its task ended: when a newcomer of the task
     * looks for a session on the subnet, the engine starts the task again from its cache and claims
     * the representative's role at once, so the newcomer gets the package from its subnet instead
     * of the origin. Give the task a high {@link DistributionTask#withPriority priority}: the
     * election prefers it then over an agent that holds nothing. A sealed task's key is held too.
     * Holding the same task id again replaces the first; the task must be complete in the cache
     * (as after a finished {@link #distribute}), or the agent fetches what it lacks.
     *
     * @param task the task, usually cache-only
     * @return closing it stops holding the package (a session it serves goes on)
     */
    public HeldPackage hold(DistributionTask task) {
        Objects.requireNonNull(task, "task");
        EngineTask.requirePlaceable(task);
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        try {
            loop.execute(() -> held.hold(task));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("engine is closed", e);
        }
        return () -> {
            try {
                loop.execute(() -> held.release(task.taskId()));
            } catch (RejectedExecutionException e) {
                // the engine closed: nothing is held any more
            }
        };
    }

    /** A package held to be served ({@link #hold}); closing it stops that. */
    public interface HeldPackage extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Stops every task at once, closes sockets and threads. Idempotent. A representative whose
     * {@link DistributionHandle#finished()} has not completed leaves its members to elect a
     * successor: wait for {@code finished()} of every task first.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                tasks.retireAll(clock.nanoTime());
                work.stop();
            }).awaitUninterruptibly(10, TimeUnit.SECONDS);
        } finally {
            transport.close();
            if (blockServer != null) {
                blockServer.close();
            }
            shutDownThreads();
        }
    }

    private void shutDownThreads() {
        if (ownFetcher) {
            fetcher.close();
        }
        verifier.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            verifier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs an event on the engine thread and then lets the agents act on what it changed. */
    private void post(Runnable event) {
        if (closed) {
            return;
        }
        loop.execute(() -> {
            if (!closed) {
                event.run();
                work.afterEvent();
            }
        });
    }

    private void flush() {
        transport.flush();
    }

    /**
     * Settings of an engine; {@link #build()} checks them and opens the sockets.
     *
     * <p>The protocol settings are those of {@link #session(SessionConfig)} (by default
     * {@link SessionConfig}'s defaults) with the shortcuts {@link #startDelay}, {@link #rateBitsPerSecond}
     * and {@link #mtu} applied over them, whatever the order of the calls: a shortcut always wins
     * over the same setting of the session, and a later {@code session(...)} keeps it. A shortcut's
     * value is checked when it is given; whether it suits the session (an MTU above the session's
     * block size does not) is checked by {@link #build()}.
     */
    public static final class Builder {
        private String networkInterface;
        private InetSocketAddress controlGroup = DEFAULT_CONTROL_GROUP;
        private Path cacheDirectory;
        private SessionConfig session = SessionConfig.builder().build();
        // The shortcuts, kept apart and applied over session by build() so that the order of the
        // calls does not matter; null or 0 when not given.
        private Duration startDelay;
        private long rateBitsPerSecond;
        private int mtu;
        private NanoClock clock = NanoClock.system();
        private LossGenerator loss = LossGenerator.NONE;
        private HttpFetcher fetcher;
        private long nodeId;
        private GapRepairFactory repairFactory;
        private boolean blockServer = true;
        private int blockServerPort;
        // The platform decides by default: Windows refuses a bind to a group address. os.name is a
        // fact of the platform, not a setting, so reading it does not break the rule that the
        // library takes its settings from the embedder only.
        private ReceiveBind receiveBind = ReceiveBind.forOs(System.getProperty("os.name"));

        private Builder() {
        }

        /**
         * @param mode what receive sockets are bound to (default {@link ReceiveBind#forOs} of this
         *     platform: the wildcard address on Windows, the group elsewhere)
         * @return this
         */
        public Builder receiveBind(ReceiveBind mode) {
            this.receiveBind = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param factory completes gaps after the multicast, e.g. from peers
         *     ({@code io.subnetcast.repair.PeerRepair}); default: retransmission by the representative only
         * @return this
         */
        public Builder gapRepair(GapRepairFactory factory) {
            this.repairFactory = factory;
            return this;
        }

        /**
         * @param enabled whether to serve verified blocks to peers over HTTP (default true)
         * @param port TCP port on the interface address, 0 for any free one (default 0)
         * @return this
         */
        public Builder blockServer(boolean enabled, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("block server port must be 0 to 65535: " + port);
            }
            this.blockServer = enabled;
            this.blockServerPort = port;
            return this;
        }

        /**
         * @param name the interface multicast runs on, e.g. {@code eth0}; required when more than one
         *     interface could carry multicast (the engine never picks one silently)
         * @return this
         */
        public Builder networkInterface(String name) {
            this.networkInterface = name;
            return this;
        }

        /**
         * @param group the control group every engine of the deployment uses (default 239.255.0.1:41234)
         * @return this
         */
        public Builder controlGroup(InetSocketAddress group) {
            this.controlGroup = group;
            return this;
        }

        /** @param directory where blocks are cached (required) @return this */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        /**
         * @param config protocol settings (default {@link SessionConfig#builder()}); the shortcuts
         *     given before or after still apply over it
         * @return this
         */
        public Builder session(SessionConfig config) {
            this.session = config;
            return this;
        }

        /**
         * @param delay start delay (default 1 minute), over the session's whenever given
         * @return this
         * @throws IllegalArgumentException if it is negative
         */
        public Builder startDelay(Duration delay) {
            SessionConfig.builder().startDelay(delay).build(); // checks the value, in SessionConfig's words
            this.startDelay = delay;
            return this;
        }

        /**
         * @param bitsPerSecond multicast rate (default 100 Mbit/s), over the session's whenever given
         * @return this
         * @throws IllegalArgumentException if it is below 8 kbit/s
         */
        public Builder rateBitsPerSecond(long bitsPerSecond) {
            SessionConfig.builder().rateBitsPerSecond(bitsPerSecond).build();
            this.rateBitsPerSecond = bitsPerSecond;
            return this;
        }

        /**
         * @param mtu link MTU (default 1500), over the session's whenever given
         * @return this
         * @throws IllegalArgumentException if it is not 576 to 65535
         */
        public Builder mtu(int mtu) {
            SessionConfig.builder().mtu(mtu).build();
            this.mtu = mtu;
            return this;
        }

        /** @param value the monotonic clock (default {@link NanoClock#system()}) @return this */
        public Builder clock(NanoClock value) {
            this.clock = value;
            return this;
        }

        /** @param value loss injected on the receive path, a testing aid (default none) @return this */
        public Builder receiveLoss(LossGenerator value) {
            this.loss = value;
            return this;
        }

        /** @param value an HTTP fetcher to share (default: the engine makes and closes its own) @return this */
        public Builder httpFetcher(HttpFetcher value) {
            this.fetcher = value;
            return this;
        }

        /** @param value a fixed node id, for reproducible tests (default random) @return this */
        public Builder nodeId(long value) {
            this.nodeId = value;
            return this;
        }

        /**
         * Checks the settings, resolves the interface and opens the sockets.
         *
         * @return the running engine
         * @throws IllegalArgumentException with a clear message for a bad setting or interface, or
         *     a shortcut the session's other settings refuse
         * @throws IOException if a socket cannot be bound or the control group cannot be joined
         */
        public SubnetcastEngine build() throws IOException {
            if (cacheDirectory == null) {
                throw new IllegalArgumentException("a cache directory is required");
            }
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(loss, "loss");
            Objects.requireNonNull(controlGroup, "control group");
            InetAddress address = controlGroup.getAddress();
            if (address == null || !address.isMulticastAddress() || address.getAddress().length != 4) {
                throw new IllegalArgumentException("control group " + controlGroup + " is not an IPv4 multicast group");
            }
            SessionConfig config = sessionWithShortcuts();
            MulticastInterface resolved = MulticastInterface.resolve(networkInterface);
            try {
                return new SubnetcastEngine(this, config, resolved);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        private SessionConfig sessionWithShortcuts() {
            if (startDelay == null && rateBitsPerSecond == 0 && mtu == 0) {
                return session;
            }
            SessionConfig.Builder withShortcuts = session.toBuilder();
            if (startDelay != null) {
                withShortcuts.startDelay(startDelay);
            }
            if (rateBitsPerSecond != 0) {
                withShortcuts.rateBitsPerSecond(rateBitsPerSecond);
            }
            if (mtu != 0) {
                withShortcuts.mtu(mtu);
            }
            return withShortcuts.build();
        }
    }
}
