package io.subnetcast.core.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.subnetcast.core.transport.EventLoops;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin / file-cache HTTP/1.1 server.
 *
 * <p>It answers GET and HEAD for what its {@link ResourceResolver} names, with single byte ranges,
 * strong ETags, {@code If-Range} and keep-alive; every response carries {@code Content-Length} and
 * none is chunked, as the Windows ISV file cache requires. Other methods get 405. See the package
 * documentation for the transfer paths.
 *
 * <pre>{@code
 * try (FileServer server = FileServer.builder()
 *         .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
 *         .rootDirectory(Path.of("/var/cache/subnetcast"))
 *         .requestListener(r -> log.info("{} {} -> {} ({} bytes)", r.method(), r.target(), r.status(), r.bodyBytes()))
 *         .build()) {
 *     InetSocketAddress bound = server.start();
 *     ...
 * }
 * }</pre>
 */
public final class FileServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(FileServer.class);
    /** Default time after which a connection that neither sends nor receives is closed. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final long SHUTDOWN_WAIT_SECONDS = 5;

    private final InetSocketAddress bindAddress;
    private final ResourceResolver resolver;
    private final RequestAuthorizer authorizer;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final SslContext sslContext;
    private final Duration idleTimeout;
    private final RequestListener listener;
    private final ChannelGroup channels = new DefaultChannelGroup("file-server", GlobalEventExecutor.INSTANCE);

    private Channel serverChannel;
    private boolean started;
    private boolean closed;

    private FileServer(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.resolver = builder.resolver;
        this.authorizer = builder.authorizer;
        this.sslContext = builder.sslContext;
        this.idleTimeout = builder.idleTimeout;
        this.listener = builder.listener;
        this.ownGroup = builder.group == null;
        this.group = ownGroup ? EventLoops.newGroup(0, new DefaultThreadFactory("file-server")) : builder.group;
    }

    /** @return a builder; {@link Builder#bindAddress} and a resolver must be set */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listening socket.
     *
     * @return the bound address (with the real port when port 0 was asked for)
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if the server was already started or closed
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "server is closed" : "server already started");
        }
        started = true;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverSocketChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new FileServerInitializer(sslContext, idleTimeout.toMillis(),
                        new ResponsePlanner(resolver, authorizer), listener, Clock.systemUTC(), channels));
        ChannelFuture bound = bootstrap.bind(bindAddress).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            close();
            throw new IOException("cannot bind the file server to " + bindAddress, bound.cause());
        }
        serverChannel = bound.channel();
        channels.add(serverChannel);
        InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("serving {} on {}{}", resolver, local, sslContext != null ? " (TLS)" : "");
        return local;
    }

    /** @return the bound address, or {@code null} before {@link #start()} */
    public synchronized InetSocketAddress localAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Stops listening, closes every connection (transfers in progress are cut) and, if the server
     * created its event loops, shuts them down. Waits a bounded time for each step. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        channels.close().awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        if (ownGroup) {
            if (!group.shutdownGracefully(0, SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)
                    .awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS * 2, TimeUnit.SECONDS)) {
                LOG.warn("file server event loops did not stop within {} s", SHUTDOWN_WAIT_SECONDS * 2);
            }
        }
        LOG.info("file server on {} closed", serverChannel != null ? serverChannel.localAddress() : bindAddress);
    }

    /** Configuration of a {@link FileServer}. */
    public static final class Builder {
        private InetSocketAddress bindAddress;
        private ResourceResolver resolver;
        private RequestAuthorizer authorizer = RequestAuthorizer.ANYONE;
        private EventLoopGroup group;
        private SslContext sslContext;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private RequestListener listener;

        private Builder() {
        }

        /**
         * Where to listen. Required: the server never picks an interface by itself. Port 0 asks
         * for an ephemeral port, reported by {@link FileServer#start()}.
         *
         * @param address a resolved address
         * @return this builder
         */
        public Builder bindAddress(InetSocketAddress address) {
            Objects.requireNonNull(address, "bindAddress");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("bindAddress is unresolved: " + address);
            }
            this.bindAddress = address;
            return this;
        }

        /**
         * What to serve.
         *
         * @param resolver maps request paths to resources
         * @return this builder
         */
        public Builder resolver(ResourceResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Who may be served (default: anyone); others get 403.
         *
         * @param authorizer decides from the path and the {@code Authorization} field
         * @return this builder
         */
        public Builder authorizer(RequestAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * Serves the regular files below a directory through a {@link DirectoryResolver}.
         *
         * @param root an existing directory
         * @return this builder
         * @throws IllegalArgumentException if {@code root} is not an existing directory
         */
        public Builder rootDirectory(Path root) {
            return resolver(new DirectoryResolver(root));
        }

        /**
         * Runs on a caller-owned group ({@link io.netty.channel.epoll.EpollEventLoopGroup} or
         * {@link io.netty.channel.nio.NioEventLoopGroup}), which {@link FileServer#close()} leaves
         * running. Without one the server creates its own (epoll when available, else NIO: see
         * {@link EventLoops}) and shuts it down on close.
         *
         * @param group the event loops to use
         * @return this builder
         * @throws IllegalArgumentException if the group is neither epoll nor NIO
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = EventLoops.requireSupported(Objects.requireNonNull(group, "eventLoopGroup"));
            return this;
        }

        /**
         * Serves HTTPS. File bodies are then read into the JVM to be encrypted (no zero-copy).
         *
         * @param sslContext a server context
         * @return this builder
         */
        public Builder sslContext(SslContext sslContext) {
            Objects.requireNonNull(sslContext, "sslContext");
            if (sslContext.isClient()) {
                throw new IllegalArgumentException("sslContext is a client context");
            }
            this.sslContext = sslContext;
            return this;
        }

        /**
         * How long a connection may neither receive nor make progress sending before it is
         * closed. Default {@link FileServer#DEFAULT_IDLE_TIMEOUT}.
         *
         * @param timeout at least a millisecond, at most a day
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0 || timeout.toMillis() < 1) {
                throw new IllegalArgumentException("idleTimeout must be between 1 ms and 1 day: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Receives a {@link ServedRequest} after every response.
         *
         * @param listener the listener, run on the event loop
         * @return this builder
         */
        public Builder requestListener(RequestListener listener) {
            this.listener = Objects.requireNonNull(listener, "requestListener");
            return this;
        }

        /**
         * Creates the server; nothing is bound until {@link FileServer#start()}.
         *
         * @return the server
         * @throws IllegalStateException if the bind address or the resolver is missing
         */
        public FileServer build() {
            if (bindAddress == null) {
                throw new IllegalStateException("bindAddress is required: the file server never chooses an "
                        + "interface by itself (use port 0 for an ephemeral port)");
            }
            if (resolver == null) {
                throw new IllegalStateException("a resolver or a rootDirectory is required");
            }
            return new FileServer(this);
        }
    }
}
