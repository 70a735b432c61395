package io.subnetcast.core.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Oversized and hostile-sized datagrams on a real socket (loopback, a private group, a random
 * port): the receive buffer is sized to the configured maximum plus one byte, so a datagram longer
 * than the maximum fills it, is counted as truncated and never reaches the receiver; one of exactly
 * the maximum passes whole.
 */
class MulticastTransportTruncationTest {
    private static final int MAX = 1500;

    @Test
    void datagramsLargerThanTheMaximumAreDroppedAsTruncated() throws Exception {
        InetSocketAddress group = TestNetwork.controlGroup();
        MulticastInterface lo = MulticastInterface.resolve("lo");
        List<Integer> received = new CopyOnWriteArrayList<>();
        EventLoopGroup loops = EventLoops.newGroup(1, new DefaultThreadFactory("truncation-test", true));
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            MulticastTransport transport = MulticastTransport.open(loops.next(), lo, group, MAX, LossGenerator.NONE,
                    datagram -> received.add(datagram.readableBytes()));
            try {
                sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo.networkInterface());
                sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
                sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                for (int size : new int[] {1, MAX, MAX + 1, MAX + 2, 9000, 65_507, MAX - 1}) {
                    sender.send(ByteBuffer.allocate(size), group);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> transport.received() + transport.truncated() >= 7);
                assertEquals(List.of(1, MAX, MAX - 1), received);
                assertEquals(3, transport.received());
                assertEquals(4, transport.truncated());
            } finally {
                transport.close();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
