package io.subnetcast.core.fetch;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Picks the Netty transport: native epoll where it loads, NIO everywhere else. */
final class Transports {
    private Transports() {
    }

    /**
     * Creates the fetcher's own event loops, daemon threads so that a forgotten fetcher does not
     * keep a JVM alive.
     *
     * @return an epoll group when available, else NIO, with 1 or 2 threads
     */
    static EventLoopGroup newGroup() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("subnetcast-fetch", true);
        return Epoll.isAvailable()
                ? new EpollEventLoopGroup(threads, threadFactory)
                : new NioEventLoopGroup(threads, threadFactory);
    }

    /**
     * @param group the group channels will be registered with
     * @return the socket channel class that works with it
     */
    static Class<? extends SocketChannel> socketChannelFor(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
