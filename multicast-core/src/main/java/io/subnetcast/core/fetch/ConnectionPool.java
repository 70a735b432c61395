package io.subnetcast.core.fetch;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections and keeps a few idle keep-alive ones per origin for reuse, so that many spans
 * fetched one after another cost one TCP (and TLS) handshake. Idle connections are reused most
 * recently used first: the freshest is the least likely to have been closed by the server.
 *
 * <p>Thread-safe: operations on different event loops share it.
 */
final class ConnectionPool {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    private static final AttributeKey<Origin> ORIGIN = AttributeKey.valueOf(ConnectionPool.class, "origin");

    private final Class<? extends SocketChannel> channelClass;
    private final TlsContext sslContext;
    private final int connectTimeoutMillis;
    private final int maxIdlePerOrigin;
    private final Map<Origin, Deque<Channel>> idle = new HashMap<>();
    private boolean closed;

    ConnectionPool(Class<? extends SocketChannel> channelClass, TlsContext sslContext, int connectTimeoutMillis,
            int maxIdlePerOrigin) {
        this.channelClass = channelClass;
        this.sslContext = sslContext;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxIdlePerOrigin = maxIdlePerOrigin;
    }

    /**
     * Hands out a connection: an idle one for the origin unless {@code fresh}, else a new one on
     * {@code loop}. Cancelling the returned future abandons a connect in progress.
     *
     * @param origin where to connect
     * @param loop the event loop for a new connection and for the future's listeners
     * @param fresh true to skip the idle pool
     * @return the connection, through its TLS handshake for https
     */
    Future<Lease> acquire(Origin origin, EventLoop loop, boolean fresh) {
        if (!fresh) {
            Channel channel = pollIdle(origin);
            if (channel != null) {
                return loop.newSucceededFuture(new Lease(channel, true));
            }
        }
        return connect(origin, loop);
    }

    /**
     * Takes back a connection whose last response was read completely and allows keep-alive.
     *
     * @param channel the connection
     */
    void release(Channel channel) {
        Origin origin = channel.attr(ORIGIN).get();
        boolean kept = false;
        synchronized (this) {
            if (!closed && origin != null && channel.isActive()) {
                Deque<Channel> channels = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
                if (channels.size() < maxIdlePerOrigin) {
                    channels.addFirst(channel);
                    kept = true;
                }
            }
        }
        if (!kept) {
            channel.close();
        }
    }

    /**
     * Drops a connection that closed from the pool.
     *
     * @param channel the connection
     */
    void forget(Channel channel) {
        Origin origin = channel.attr(ORIGIN).get();
        if (origin == null) {
            return;
        }
        synchronized (this) {
            Deque<Channel> channels = idle.get(origin);
            if (channels != null) {
                channels.remove(channel);
                if (channels.isEmpty()) {
                    idle.remove(origin);
                }
            }
        }
    }

    /** Closes every idle connection; connections released later are closed at once. */
    void close() {
        List<Channel> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(toClose::addAll);
            idle.clear();
        }
        toClose.forEach(Channel::close);
    }

    /** @return the number of idle connections, for tests */
    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    private synchronized Channel pollIdle(Origin origin) {
        Deque<Channel> channels = idle.get(origin);
        while (channels != null && !channels.isEmpty()) {
            Channel channel = channels.pollFirst();
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    private Future<Lease> connect(Origin origin, EventLoop loop) {
        Promise<Lease> promise = loop.newPromise();
        SslContext tlsContext = null;
        if (origin.secure()) {
            try {
                tlsContext = sslContext.get();
            } catch (IllegalStateException e) {
                return promise.setFailure(e);
            }
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ClientPipeline(origin, tlsContext, connectTimeoutMillis, this));
        ChannelFuture connect = bootstrap.connect(origin.connectHost(), origin.port());
        Channel channel = connect.channel();
        channel.attr(ORIGIN).set(origin);
        // Abandoning the lease (cancellation, fetcher closed) must not leave a connection behind.
        promise.addListener(p -> {
            if (!p.isSuccess()) {
                channel.close();
            }
        });
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                promise.trySuccess(new Lease(channel, false));
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    promise.trySuccess(new Lease(channel, false));
                } else {
                    promise.tryFailure(h.cause());
                }
            });
        });
        LOG.debug("connecting to {}", origin);
        return promise;
    }
}
