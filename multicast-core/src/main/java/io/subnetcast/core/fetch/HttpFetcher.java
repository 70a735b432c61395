package io.subnetcast.core.fetch;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.subnetcast.core.transport.EventLoops;
import io.subnetcast.core.wire.LogSafe;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 client for HEAD and byte-range GET requests, built on Netty: bodies stream straight
 * into a {@link BodySink} (heap use does not grow with their size), every response is checked
 * against what was asked, failures that may pass are retried with backoff and resume where they
 * stopped, redirects are followed, and keep-alive connections are reused per origin.
 *
 * <p>The returned futures complete on a Netty event loop thread; code chained to them must not
 * block. Cancelling a future closes its connection. Create one fetcher and share it: it is
 * thread-safe. {@link #close()} fails the requests still running and releases the connections
 * (and the event loops, when the fetcher created them).
 */
public final class HttpFetcher implements Closeable {
    /** Default limit for a TCP connect and for a TLS handshake. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default longest wait for the next byte of a response. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default number of attempts per request, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default delay before the first retry (before jitter). */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Default longest delay between attempts. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Default number of redirects followed per request. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    /** Default number of idle keep-alive connections kept per origin. */
    public static final int DEFAULT_MAX_IDLE_CONNECTIONS_PER_ORIGIN = 4;
    /** Default User-Agent header. */
    public static final String DEFAULT_USER_AGENT = "subnetcast";

    private static final Logger LOG = LoggerFactory.getLogger(HttpFetcher.class);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final FetchSettings settings;
    private final ConnectionPool pool;
    private final Set<Operation<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HttpFetcher(Builder b) {
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? newOwnGroup() : b.group;
        this.settings = new FetchSettings(b.idleTimeout, b.maxAttempts, new Backoff(b.initialBackoff, b.maxBackoff),
                b.maxRedirects, b.userAgent);
        this.pool = new ConnectionPool(EventLoops.socketChannel(group), new TlsContext(b.sslContext),
                (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()), b.maxIdlePerOrigin);
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the fetcher's own event loops: 1 or 2 daemon threads, so that a forgotten fetcher does
     * not keep a JVM alive; epoll or NIO as {@link EventLoops} chooses.
     */
    static EventLoopGroup newOwnGroup() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        return EventLoops.newGroup(threads, new DefaultThreadFactory("subnetcast-fetch", true));
    }

    /**
     * Asks for a resource's length, validators and range support.
     *
     * @param uri an absolute http or https URL
     * @return the answer after redirects; fails with a {@link FetchException} when the server
     *     refuses, omits {@code Content-Length}, or cannot be reached within the attempts
     * @throws IllegalArgumentException if the URL is not http(s)
     * @throws IllegalStateException if the fetcher is closed
     */
    public CompletableFuture<ResourceInfo> head(URI uri) {
        Origin.of(uri);
        return run(new HeadOperation(settings, pool, group.next(), uri));
    }

    /**
     * Fetches a span into a sink. See {@link BodySink#onData} for the offsets delivered and
     * {@link FetchResult} for what is reported.
     *
     * @param request what to fetch
     * @param sink where the bytes go, called on an event loop thread
     * @return completes when every span byte was delivered; fails with a {@link FetchException}
     *     naming the URL and the status or last cause
     * @throws IllegalStateException if the fetcher is closed
     */
    public CompletableFuture<FetchResult> fetch(FetchRequest request, BodySink sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        return run(new RangeOperation(settings, pool, group.next(), request, sink));
    }

    /**
     * Fetches a whole small resource (a manifest, its units) into memory.
     *
     * @param request what to fetch
     * @param maxBytes the most bytes accepted: a longer body fails the fetch
     * @return completes with the body; fails as {@link #fetch} does, or when the body is too long
     */
    public CompletableFuture<byte[]> fetchBytes(FetchRequest request, int maxBytes) {
        byte[][] received = {new byte[Math.min(4096, maxBytes)]};
        int[] size = {0};
        return fetch(request, (at, data) -> {
            long end = at + data.readableBytes();
            if (end > maxBytes) {
                throw new IOException(request.uri() + " is larger than " + maxBytes + " bytes");
            }
            if (end > received[0].length) {
                received[0] = Arrays.copyOf(received[0], (int) Math.min(maxBytes, Math.max(end, 2L * received[0].length)));
            }
            data.getBytes(data.readerIndex(), received[0], (int) at, data.readableBytes());
            size[0] = (int) Math.max(size[0], end);
        }).thenApply(result -> Arrays.copyOf(received[0], size[0]));
    }

    /** @return the number of idle pooled connections, for tests and monitoring */
    int idleConnections() {
        return pool.idleCount();
    }

    private <T> CompletableFuture<T> run(Operation<T> operation) {
        if (closed) {
            throw new IllegalStateException("fetcher is closed");
        }
        running.add(operation);
        operation.future().whenComplete((value, error) -> running.remove(operation));
        operation.start();
        if (closed) {
            operation.abort("fetcher closed");
        }
        return operation.future();
    }

    /**
     * Fails the requests still running, closes the pooled connections and, if the fetcher created
     * its event loops, shuts them down and waits (a few seconds at most) for their threads to end.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Operation<?> operation : running) {
            operation.abort("fetcher closed");
        }
        pool.close();
        if (ownsGroup) {
            Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            // Waiting on one of the group's own threads (close() from a callback) would deadlock.
            boolean onOwnThread = false;
            for (EventExecutor executor : group) {
                onOwnThread |= executor.inEventLoop();
            }
            if (!onOwnThread && !terminated.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
                LOG.warn("fetch event loops did not stop within 5 s");
            }
        }
    }

    /** Builds an {@link HttpFetcher}; every setting has a default. Not thread-safe. */
    public static final class Builder {
        private EventLoopGroup group;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private SslContext sslContext;
        private String userAgent = DEFAULT_USER_AGENT;
        private int maxIdlePerOrigin = DEFAULT_MAX_IDLE_CONNECTIONS_PER_ORIGIN;

        private Builder() {
        }

        /**
         * Runs the fetcher on the caller's event loops (an {@code EpollEventLoopGroup} or a
         * {@code NioEventLoopGroup}); the caller shuts them down. Default: the fetcher creates 1 or 2
         * threads of its own (epoll when available, else NIO: see {@link EventLoops}) and shuts them
         * down on close.
         *
         * @param group the event loops
         * @return this builder
         * @throws IllegalArgumentException if the group is neither epoll nor NIO
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = EventLoops.requireSupported(Objects.requireNonNull(group, "group"));
            return this;
        }

        /**
         * @param timeout limit for a TCP connect, and separately for a TLS handshake; default 10 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /**
         * @param timeout how long a response may send nothing before the attempt counts as stalled
         *     and is retried; default 30 s
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idle timeout");
            return this;
        }

        /**
         * @param attempts attempts per request, the first included, at least 1; default 5
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff delay before the first retry, doubled for each further one, with jitter;
         *     default 200 ms
         * @return this builder
         */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "initial backoff");
            return this;
        }

        /**
         * @param backoff longest delay between attempts; default 10 s
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "max backoff");
            return this;
        }

        /**
         * @param redirects redirects followed per request, zero or more; default 5
         * @return this builder
         */
        public Builder maxRedirects(int redirects) {
            if (redirects < 0) {
                throw new IllegalArgumentException("max redirects must not be negative: " + redirects);
            }
            this.maxRedirects = redirects;
            return this;
        }

        /**
         * @param context the TLS client context for https; default: Netty's client context with the
         *     JDK's trust store, built at the first https connection. Host names are verified whatever the context.
         * @return this builder
         */
        public Builder sslContext(SslContext context) {
            Objects.requireNonNull(context, "context");
            if (!context.isClient()) {
                throw new IllegalArgumentException("SSL context must be a client context");
            }
            this.sslContext = context;
            return this;
        }

        /**
         * @param userAgent the User-Agent header; default {@value HttpFetcher#DEFAULT_USER_AGENT}
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (!Validators.isSafeHeaderValue(userAgent)) {
                throw new IllegalArgumentException("User-Agent must be 1 to " + Validators.MAX_LENGTH
                        + " visible ASCII characters: '" + LogSafe.of(userAgent) + "'");
            }
            this.userAgent = userAgent;
            return this;
        }

        /**
         * @param max idle keep-alive connections kept per origin, zero or more (0 disables reuse);
         *     default 4
         * @return this builder
         */
        public Builder maxIdleConnectionsPerOrigin(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max idle connections must not be negative: " + max);
            }
            this.maxIdlePerOrigin = max;
            return this;
        }

        /**
         * @return the fetcher
         * @throws IllegalArgumentException if the max backoff is below the initial one
         */
        public HttpFetcher build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("max backoff " + maxBackoff + " is below initial backoff "
                        + initialBackoff);
            }
            return new HttpFetcher(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
