package io.subnetcast.core.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.subnetcast.core.loss.LossGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP multicast on one interface over Netty, epoll or NIO as the event loop is ({@link EventLoops}).
 *
 * <p>One channel sends everything: it is bound to the interface's address, with
 * {@code IP_MULTICAST_IF} set to the interface and a TTL of 1 so that nothing leaves the subnet.
 * One channel per joined group receives: it is bound to the group's address and port (on Linux
 * that filters out datagrams for other groups on the same port) and joined on the interface. The
 * receive buffer is sized deliberately: a datagram that fills it was truncated and is dropped.
 *
 * <p>Every method except {@link #open} and {@link #close} must run on the transport's event loop.
 */
public final class MulticastTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MulticastTransport.class);
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final EventLoop loop;
    private final MulticastInterface networkInterface;
    private final int maxDatagramBytes;
    private final LossGenerator loss;
    private final DatagramReceiver receiver;
    private final Channel sendChannel;
    private final Map<InetSocketAddress, Membership> groups = new HashMap<>();
    private long truncated;
    private long injectedDrops;
    private long received;

    private static final class Membership {
        final Future<Channel> channel;
        int users;

        Membership(Future<Channel> channel) {
            this.channel = channel;
        }
    }

    private MulticastTransport(EventLoop loop, MulticastInterface networkInterface, int maxDatagramBytes,
                               LossGenerator loss, DatagramReceiver receiver, Channel sendChannel) {
        this.loop = loop;
        this.networkInterface = networkInterface;
        this.maxDatagramBytes = maxDatagramBytes;
        this.loss = loss;
        this.receiver = receiver;
        this.sendChannel = sendChannel;
    }

    /**
     * Opens the transport and joins the control group. Blocks until bound; call it off the event loop.
     *
     * @param loop the event loop that owns every channel and runs the receiver; of an epoll or a NIO
     *     group
     * @param networkInterface where multicast goes
     * @param controlGroup the control group and port
     * @param maxDatagramBytes largest datagram expected (larger ones are dropped as truncated)
     * @param loss loss injected on the receive path
     * @param receiver gets every accepted datagram
     * @return the open transport
     * @throws IOException if a socket cannot be bound or the group cannot be joined on the interface
     * @throws IllegalArgumentException if the loop is neither epoll nor NIO
     */
    public static MulticastTransport open(EventLoop loop, MulticastInterface networkInterface,
                                          InetSocketAddress controlGroup, int maxDatagramBytes, LossGenerator loss,
                                          DatagramReceiver receiver) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("open the transport off its event loop");
        }
        Bootstrap sender = bootstrap(loop, maxDatagramBytes)
                .option(ChannelOption.IP_MULTICAST_IF, networkInterface.networkInterface())
                .option(ChannelOption.IP_MULTICAST_TTL, 1)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new DiscardInbound());
        ChannelFuture bound = sender.bind(new InetSocketAddress(networkInterface.address(), 0)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot bind a UDP socket on " + networkInterface.name() + " ("
                    + networkInterface.address().getHostAddress() + "): " + bound.cause().getMessage(), bound.cause());
        }
        MulticastTransport transport = new MulticastTransport(loop, networkInterface, maxDatagramBytes, loss, receiver,
                bound.channel());
        Promise<Channel> joined = loop.newPromise();
        loop.execute(() -> transport.join(controlGroup, joined));
        joined.awaitUninterruptibly();
        if (!joined.isSuccess()) {
            transport.close();
            throw new IOException("cannot join multicast group " + format(controlGroup) + " on interface "
                    + networkInterface.name() + ": " + joined.cause().getMessage(), joined.cause());
        }
        return transport;
    }

    /** @return the interface in use */
    public MulticastInterface networkInterface() {
        return networkInterface;
    }

    /** @return the local address datagrams are sent from */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) sendChannel.localAddress();
    }

    /** @return whether a datagram can be queued now without exceeding the send buffer mark */
    public boolean isWritable() {
        return sendChannel.isWritable();
    }

    /**
     * Queues a datagram; {@link #flush()} sends what was queued.
     *
     * @param datagram the bytes; ownership passes to the transport
     * @param to destination group and port
     */
    public void write(ByteBuf datagram, InetSocketAddress to) {
        sendChannel.write(new DatagramPacket(datagram, to), sendChannel.voidPromise());
    }

    /** Sends what {@link #write} queued. */
    public void flush() {
        sendChannel.flush();
    }

    /**
     * Starts receiving a group. Joins are counted: the group is left when every user left it.
     *
     * @param group the group and port
     * @param onFailure told, on the event loop, why a join failed
     */
    public void joinGroup(InetSocketAddress group, Consumer<Throwable> onFailure) {
        Membership membership = groups.get(group);
        if (membership == null) {
            Promise<Channel> promise = loop.newPromise();
            membership = new Membership(promise);
            groups.put(group, membership);
            join(group, promise);
        }
        membership.users++;
        membership.channel.addListener(f -> {
            if (!f.isSuccess()) {
                onFailure.accept(f.cause());
            }
        });
    }

    /**
     * Stops receiving a group once its last user left it.
     *
     * @param group the group and port
     */
    public void leaveGroup(InetSocketAddress group) {
        Membership membership = groups.get(group);
        if (membership == null || --membership.users > 0) {
            return;
        }
        groups.remove(group);
        membership.channel.addListener(f -> {
            if (f.isSuccess()) {
                ((Channel) f.getNow()).close();
            }
        });
    }

    /** @return datagrams dropped because they filled the receive buffer (truncated) */
    public long truncated() {
        return truncated;
    }

    /** @return datagrams dropped by the injected loss generator */
    public long injectedDrops() {
        return injectedDrops;
    }

    /** @return datagrams handed to the receiver */
    public long received() {
        return received;
    }

    @Override
    public void close() {
        sendChannel.close().awaitUninterruptibly();
        Runnable closeGroups = () -> {
            for (Membership membership : groups.values()) {
                membership.channel.addListener(f -> {
                    if (f.isSuccess()) {
                        ((Channel) f.getNow()).close();
                    }
                });
            }
            groups.clear();
        };
        if (loop.inEventLoop()) {
            closeGroups.run();
        } else {
            loop.submit(closeGroups).awaitUninterruptibly();
        }
    }

    private void join(InetSocketAddress group, Promise<Channel> result) {
        Bootstrap receiverBootstrap = bootstrap(loop, maxDatagramBytes).handler(new Inbound());
        ChannelFuture bound = receiverBootstrap.bind(group);
        bound.addListener((ChannelFuture b) -> {
            if (!b.isSuccess()) {
                result.tryFailure(b.cause());
                return;
            }
            DatagramChannel channel = (DatagramChannel) b.channel();
            warnIfReceiveBufferCapped(channel.config().getReceiveBufferSize());
            channel.joinGroup(group, networkInterface.networkInterface()).addListener((ChannelFuture j) -> {
                if (j.isSuccess()) {
                    LOG.debug("joined {} on {}", format(group), networkInterface.name());
                    result.trySuccess(channel);
                } else {
                    channel.close();
                    result.tryFailure(j.cause());
                }
            });
        });
    }

    private static volatile boolean capWarned;

    /**
     * The kernel silently caps SO_RCVBUF at net.core.rmem_max (often 208 KiB): at hundreds of
     * Mbit/s a receiver that is briefly descheduled then drops datagrams, which repair must fill.
     */
    private static void warnIfReceiveBufferCapped(int effectiveBytes) {
        // Linux reports twice the granted size (it doubles the request for bookkeeping).
        if (!capWarned && effectiveBytes < SOCKET_BUFFER_BYTES) {
            capWarned = true;
            LOG.warn("the kernel granted a UDP receive buffer of {} bytes instead of {}; above about 100 Mbit/s raise"
                    + " net.core.rmem_max (e.g. sysctl -w net.core.rmem_max={}) to avoid receive drops",
                    effectiveBytes, SOCKET_BUFFER_BYTES, SOCKET_BUFFER_BYTES);
        }
    }

    private static Bootstrap bootstrap(EventLoop loop, int maxDatagramBytes) {
        return new Bootstrap().group(loop).channelFactory(EventLoops.datagramChannel(loop))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                // One byte more than the largest datagram: a datagram that fills it was truncated.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagramBytes + 1));
    }

    private static String format(InetSocketAddress group) {
        return group.getAddress().getHostAddress() + ":" + group.getPort();
    }

    /** Receives on a group channel: counts, drops truncated datagrams and injected loss. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            if (content.readableBytes() > maxDatagramBytes) {
                truncated++;
                return;
            }
            if (loss.shouldDrop(content)) {
                injectedDrops++;
                return;
            }
            received++;
            receiver.onDatagram(content);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            receiver.onReadComplete();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("multicast receive on {} failed: {}", networkInterface.name(), cause.toString());
        }
    }

    /** The send channel is bound to a unicast address; anything arriving there is not ours. */
    private static final class DiscardInbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            // Released by SimpleChannelInboundHandler.
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("send socket error: {}", cause.toString());
        }
    }
}
