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
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.subnetcast.core.loss.LossGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP multicast on one interface over Netty, epoll or NIO as the event loop is ({@link EventLoops}).
 *
 * <p>One channel sends everything: it is bound to the interface's address, with
 * {@code IP_MULTICAST_IF} set to the interface and a TTL of 1 so that nothing leaves the subnet.
 * Receive channels are bound as {@link ReceiveBind} says: with {@link ReceiveBind#GROUP}, one per
 * group, bound to the group's address and port (on Linux that filters out datagrams for other
 * groups on the same port); with {@link ReceiveBind#WILDCARD}, one per port, bound to the wildcard
 * address and joined to every group of that port, because Windows refuses a bind to a group and
 * two wildcard sockets on one port would each receive every datagram of the port. The receive
 * buffer is sized deliberately: a datagram that fills it was truncated and is dropped.
 *
 * <p>Every method except {@link #open} and {@link #close} must run on the transport's event loop.
 */
public final class MulticastTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MulticastTransport.class);
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    /**
     * System property that turns UDP GSO on the send side on ({@code true}) where the kernel and the
     * epoll transport support it ({@link SegmentBatch}). Off by default: in the namespace testbed it
     * neither lowered the representative's CPU (8.3 against 8.5 CPU-s for 128 MiB) nor the time,
     * and members dropped more of its 64 KB bursts.
     */
    public static final String UDP_GSO_PROPERTY = "subnetcast.udpGso";
    /**
     * Linux's {@code IP_MULTICAST_ALL} (IPPROTO_IP = 0, option 49): on by default, it hands a socket
     * bound to the wildcard address the datagrams of every group any socket of the host joined on
     * that port. Off, the socket gets only the groups it joined itself. The JDK turns it off on the
     * datagram sockets it opens (NIO's); Netty's epoll transport leaves the kernel default and has no
     * named option, so it is set by number. Elsewhere the protocol's own filter (task and session in
     * every datagram) is the last word.
     */
    private static final IntegerUnixChannelOption IP_MULTICAST_ALL =
            new IntegerUnixChannelOption("IP_MULTICAST_ALL", 0, 49);

    private final EventLoop loop;
    private final MulticastInterface networkInterface;
    private final int maxDatagramBytes;
    private final LossGenerator loss;
    private final DatagramReceiver receiver;
    private final Channel sendChannel;
    private final ReceiveBind bind;
    private final Map<InetSocketAddress, Membership> groups = new HashMap<>();
    // Keyed by what the socket is bound to: the group itself, or the wildcard address and port.
    private final Map<InetSocketAddress, ReceiveSocket> sockets = new HashMap<>();
    // Null where the kernel or the transport has no UDP GSO (NIO, Windows, macOS), or when turned off.
    private final SegmentBatch segments;
    private long truncated;
    private long injectedDrops;
    private long received;

    private static final class Membership {
        final Future<Channel> channel;
        final InetSocketAddress socketKey;
        int users;

        Membership(Future<Channel> channel, InetSocketAddress socketKey) {
            this.channel = channel;
            this.socketKey = socketKey;
        }
    }

    /** A bound receive socket and the number of groups joined on it. */
    private static final class ReceiveSocket {
        final Future<Channel> bound;
        int groups;
        // Resolved once bound; null where the platform cannot tell.
        SocketDrops drops;

        ReceiveSocket(Future<Channel> bound) {
            this.bound = bound;
        }
    }

    private MulticastTransport(EventLoop loop, MulticastInterface networkInterface, int maxDatagramBytes,
                               LossGenerator loss, DatagramReceiver receiver, Channel sendChannel, ReceiveBind bind) {
        this.loop = loop;
        this.bind = bind;
        this.networkInterface = networkInterface;
        this.maxDatagramBytes = maxDatagramBytes;
        this.loss = loss;
        this.receiver = receiver;
        this.sendChannel = sendChannel;
        this.segments = Boolean.parseBoolean(System.getProperty(UDP_GSO_PROPERTY, "false")) && SegmentBatch.isSupported(sendChannel)
                ? new SegmentBatch(sendChannel) : null;
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
     * @return the open transport, its receive sockets bound to their groups ({@link ReceiveBind#GROUP})
     * @throws IOException if a socket cannot be bound or the group cannot be joined on the interface
     * @throws IllegalArgumentException if the loop is neither epoll nor NIO
     */
    public static MulticastTransport open(EventLoop loop, MulticastInterface networkInterface,
                                          InetSocketAddress controlGroup, int maxDatagramBytes, LossGenerator loss,
                                          DatagramReceiver receiver) throws IOException {
        return open(loop, networkInterface, controlGroup, maxDatagramBytes, loss, receiver, ReceiveBind.GROUP);
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
     * @param bind what receive sockets are bound to ({@link ReceiveBind#forOs} gives the platform's default)
     * @return the open transport
     * @throws IOException if a socket cannot be bound or the group cannot be joined on the interface
     * @throws IllegalArgumentException if the loop is neither epoll nor NIO
     */
    public static MulticastTransport open(EventLoop loop, MulticastInterface networkInterface,
                                          InetSocketAddress controlGroup, int maxDatagramBytes, LossGenerator loss,
                                          DatagramReceiver receiver, ReceiveBind bind) throws IOException {
        Objects.requireNonNull(bind, "bind");
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
                bound.channel(), bind);
        Promise<Channel> joined = loop.newPromise();
        loop.execute(() -> transport.join(controlGroup, transport.socketKey(controlGroup), joined));
        joined.awaitUninterruptibly();
        if (!joined.isSuccess()) {
            transport.close();
            throw new IOException("cannot join multicast group " + format(controlGroup) + " on interface "
                    + networkInterface.name() + ": " + joined.cause().getMessage(), joined.cause());
        }
        return transport;
    }

    /** @return what receive sockets are bound to */
    public ReceiveBind receiveBind() {
        return bind;
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
        if (segments != null) {
            segments.write(datagram, to); // consecutive datagrams of one size go out as one (UDP GSO)
        } else {
            sendChannel.write(new DatagramPacket(datagram, to), sendChannel.voidPromise());
        }
    }

    /** Sends what {@link #write} queued. */
    public void flush() {
        if (segments != null) {
            segments.send();
        }
        sendChannel.flush();
    }

    /** @return datagrams sent inside UDP GSO super-datagrams; 0 where the platform has none */
    public long segmentedDatagrams() {
        return segments == null ? 0 : segments.batchedDatagrams();
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
            membership = new Membership(promise, socketKey(group));
            groups.put(group, membership);
            join(group, membership.socketKey, promise);
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
        ReceiveSocket socket = sockets.get(membership.socketKey);
        if (socket != null && --socket.groups <= 0) {
            sockets.remove(membership.socketKey);
            closeWhenBound(socket.bound);
            return;
        }
        // The socket still carries other groups of its port: leave this one only.
        membership.channel.addListener(f -> {
            if (f.isSuccess()) {
                ((DatagramChannel) f.getNow()).leaveGroup(group, networkInterface.networkInterface());
            }
        });
    }

    private static void closeWhenBound(Future<Channel> bound) {
        bound.addListener(f -> {
            if (f.isSuccess()) {
                ((Channel) f.getNow()).close();
            }
        });
    }

    private InetSocketAddress socketKey(InetSocketAddress group) {
        return bind == ReceiveBind.GROUP ? group : new InetSocketAddress(group.getPort());
    }

    /** @return datagrams dropped because they filled the receive buffer (truncated) */
    public long truncated() {
        return truncated;
    }

    /** @return datagrams dropped by the injected loss generator */
    public long injectedDrops() {
        return injectedDrops;
    }

    /**
     * Datagrams the kernel dropped at the socket that receives a group because its buffer was full:
     * what this host did not read in time, not what the network lost. Reads {@code /proc}; call it a
     * few times a second at most.
     *
     * @param group a group joined with {@link #joinGroup}
     * @return the socket's count since it was opened (other groups on the same socket included), or
     *     -1 when the group is not joined or the platform does not tell (only Linux with epoll does)
     */
    public long receiveDrops(InetSocketAddress group) {
        Membership membership = groups.get(group);
        ReceiveSocket socket = membership == null ? null : sockets.get(membership.socketKey);
        SocketDrops drops = socket == null ? null : socket.drops;
        return drops == null ? SocketDrops.UNKNOWN : drops.read();
    }

    /** @return datagrams handed to the receiver */
    public long received() {
        return received;
    }

    @Override
    public void close() {
        if (segments != null) {
            if (loop.inEventLoop()) {
                segments.discard();
            } else if (!loop.isShuttingDown()) {
                loop.execute(segments::discard); // a batch is only ever touched on the loop
            }
        }
        sendChannel.close().awaitUninterruptibly();
        Runnable closeGroups = () -> {
            for (ReceiveSocket socket : sockets.values()) {
                closeWhenBound(socket.bound);
            }
            sockets.clear();
            groups.clear();
        };
        if (loop.inEventLoop()) {
            closeGroups.run();
        } else {
            loop.submit(closeGroups).awaitUninterruptibly();
        }
    }

    private void join(InetSocketAddress group, InetSocketAddress socketKey, Promise<Channel> result) {
        ReceiveSocket socket = sockets.get(socketKey);
        if (socket == null) {
            ReceiveSocket created = new ReceiveSocket(bindReceiver(socketKey));
            created.bound.addListener(b -> {
                if (b.isSuccess()) {
                    created.drops = SocketDrops.of((Channel) b.getNow());
                }
            });
            socket = created;
            sockets.put(socketKey, socket);
        }
        socket.groups++;
        socket.bound.addListener(b -> {
            if (!b.isSuccess()) {
                result.tryFailure(b.cause());
                return;
            }
            DatagramChannel channel = (DatagramChannel) b.getNow();
            channel.joinGroup(group, networkInterface.networkInterface()).addListener((ChannelFuture j) -> {
                if (j.isSuccess()) {
                    LOG.debug("joined {} on {}, socket bound to {}", format(group), networkInterface.name(),
                            format(socketKey));
                    result.trySuccess(channel);
                } else {
                    result.tryFailure(j.cause());
                }
            });
        });
    }

    private Future<Channel> bindReceiver(InetSocketAddress address) {
        Promise<Channel> result = loop.newPromise();
        Bootstrap receiverBootstrap = bootstrap(loop, maxDatagramBytes).handler(new Inbound());
        if (bind == ReceiveBind.WILDCARD && EventLoops.isEpoll(loop)) {
            receiverBootstrap.option(IP_MULTICAST_ALL, 0);
        }
        receiverBootstrap.bind(address).addListener((ChannelFuture b) -> {
            if (!b.isSuccess()) {
                result.tryFailure(b.cause());
                return;
            }
            warnIfReceiveBufferCapped(((DatagramChannel) b.channel()).config().getReceiveBufferSize());
            result.trySuccess(b.channel());
        });
        return result;
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

    private static String format(InetSocketAddress address) {
        return (address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress()) + ":"
                + address.getPort();
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
