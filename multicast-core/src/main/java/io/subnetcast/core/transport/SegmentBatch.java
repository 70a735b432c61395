package io.subnetcast.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Consecutive datagrams of one size to one group, sent as one UDP GSO super-datagram (Linux
 * {@code UDP_SEGMENT}, Netty's {@link SegmentedDatagramPacket}): the kernel takes it through the
 * UDP and IP layers once and cuts it into the datagrams just before the interface, where one
 * system call per datagram (or one {@code sendmmsg} entry and one pass through the stack each) cost
 * the representative most of its CPU per datagram. Receivers see ordinary datagrams.
 *
 * <p>Datagrams are copied into the batch (one {@value #MAX_BYTES}-byte pooled buffer) as they are
 * queued; the batch goes out when a datagram of another size or group comes, when it is full, and
 * at every flush, so datagrams keep their order. A batch of one is sent as a plain datagram. Used
 * only where {@link #isSupported} says the kernel and Netty can, and only when turned on
 * ({@link MulticastTransport#UDP_GSO_PROPERTY}: off by default, it did not pay in the testbed);
 * elsewhere every datagram is sent on its own. Runs on the transport's event loop.
 */
final class SegmentBatch {
    /** The largest super-datagram: what fits in one IPv4 packet's 16-bit length. */
    static final int MAX_BYTES = 65_000;
    /** The kernel's limit on segments per super-datagram ({@code UDP_MAX_SEGMENTS}). */
    static final int MAX_SEGMENTS = 64;

    private final Channel channel;
    private final ByteBufAllocator allocator;
    private ByteBuf batch;
    private InetSocketAddress to;
    private int segmentSize;
    private int segments;
    private long superDatagrams;
    private long batchedDatagrams;

    SegmentBatch(Channel channel) {
        this.channel = channel;
        this.allocator = channel.alloc();
    }

    /**
     * @param channel the send channel
     * @return whether this channel can send segmented datagrams (epoll, with a kernel that has UDP GSO)
     */
    static boolean isSupported(Channel channel) {
        try {
            return channel instanceof EpollDatagramChannel && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Queues a datagram: into the batch, or, when it does not continue it, after sending the batch.
     *
     * @param datagram the bytes; released here
     * @param recipient destination group and port
     */
    void write(ByteBuf datagram, InetSocketAddress recipient) {
        int size = datagram.readableBytes();
        if (segments > 0 && (size > segmentSize || !recipient.equals(to) || segments == MAX_SEGMENTS
                || batch.readableBytes() + size > MAX_BYTES || batch.readableBytes() % segmentSize != 0)) {
            send(); // a shorter datagram may end a batch; after it nothing more fits the segment size
        }
        if (size == 0 || size > MAX_BYTES) {
            channel.write(new DatagramPacket(datagram, recipient), channel.voidPromise());
            return;
        }
        if (segments == 0) {
            batch = allocator.directBuffer(MAX_BYTES);
            to = recipient;
            segmentSize = size;
        }
        try {
            batch.writeBytes(datagram);
        } finally {
            datagram.release();
        }
        segments++;
    }

    /** Sends the batch, if any, into the channel's outbound buffer; the caller flushes. */
    void send() {
        if (segments == 0) {
            return;
        }
        ByteBuf out = batch;
        batch = null;
        if (segments == 1) {
            channel.write(new DatagramPacket(out, to), channel.voidPromise());
        } else {
            channel.write(new SegmentedDatagramPacket(out, segmentSize, to), channel.voidPromise());
            superDatagrams++;
            batchedDatagrams += segments;
        }
        segments = 0;
        to = null;
    }

    /** Drops a batch never sent (the transport closes). */
    void discard() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        segments = 0;
    }

    /** @return super-datagrams sent */
    long superDatagrams() {
        return superDatagrams;
    }

    /** @return datagrams sent inside super-datagrams */
    long batchedDatagrams() {
        return batchedDatagrams;
    }
}
