package io.subnetcast.core.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The one place that chooses between Netty's native epoll transport and NIO, for every socket the
 * library opens: the multicast transport, the HTTP fetcher and the file server.
 *
 * <p>A group made here is epoll when {@link Epoll#isAvailable()}, NIO otherwise. Netty reads
 * {@code -Dio.netty.transport.noNative=true} once, when {@code Epoll} is first loaded, and then
 * reports epoll unavailable: set it on the command line to force NIO. The library itself reads no
 * system property.
 *
 * <p>Channels are chosen by the type of the group they will be registered with, not by what is
 * available, because a channel registers only with its own kind of loop: an embedder may pass a NIO
 * group on a host where epoll loads. A group of any other kind (a {@code DefaultEventLoopGroup}, a
 * {@code LocalEventLoopGroup}) cannot run sockets and is refused with an
 * {@link IllegalArgumentException} that names it.
 */
public final class EventLoops {
    private EventLoops() {
    }

    /**
     * Creates an event-loop group: epoll where it loads, NIO everywhere else.
     *
     * @param threads number of loops, 0 for Netty's default (twice the processors)
     * @param threadFactory makes the loops' threads (names, daemon or not)
     * @return the group; the caller shuts it down
     */
    public static EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 or more: " + threads);
        }
        Objects.requireNonNull(threadFactory, "threadFactory");
        return Epoll.isAvailable()
                ? new EpollEventLoopGroup(threads, threadFactory)
                : new NioEventLoopGroup(threads, threadFactory);
    }

    /**
     * @param group a group, or one loop of a group
     * @return whether it is an epoll group (false for NIO)
     * @throws IllegalArgumentException if it is neither epoll nor NIO
     */
    public static boolean isEpoll(EventLoopGroup group) {
        // A single loop (EpollEventLoop is not public) is judged by the group it belongs to.
        EventLoopGroup owner = group instanceof EventLoop loop && loop.parent() != null ? loop.parent() : group;
        if (owner instanceof EpollEventLoopGroup) {
            return true;
        }
        if (owner instanceof NioEventLoopGroup) {
            return false;
        }
        throw new IllegalArgumentException("unsupported event loop group " + group.getClass().getName()
                + ": use an EpollEventLoopGroup or a NioEventLoopGroup");
    }

    /**
     * Checks that sockets can run on a group, so that a builder can refuse a wrong one at once.
     *
     * @param group a group, or one loop of a group
     * @return the group
     * @throws IllegalArgumentException if it is neither epoll nor NIO
     */
    public static EventLoopGroup requireSupported(EventLoopGroup group) {
        isEpoll(group);
        return group;
    }

    /**
     * @param group the group the channel will be registered with
     * @return makes UDP channels for it; NIO ones are IPv4, which joining an IPv4 group requires
     * @throws IllegalArgumentException if the group is neither epoll nor NIO
     */
    public static ChannelFactory<DatagramChannel> datagramChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollDatagramChannel::new : () -> new NioDatagramChannel(InternetProtocolFamily.IPv4);
    }

    /**
     * @param group the group the channel will be registered with
     * @return the TCP client channel class that works with it
     * @throws IllegalArgumentException if the group is neither epoll nor NIO
     */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * @param group the group the channel will be registered with
     * @return the TCP server channel class that works with it
     * @throws IllegalArgumentException if the group is neither epoll nor NIO
     */
    public static Class<? extends ServerSocketChannel> serverSocketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
