package io.subnetcast.core.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.sim.TestNetwork;
import java.io.BufferedReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The receive socket's own drop count, which members take off the loss they report: a receiver
 * whose event loop is held while a burst arrives overflows its 4 MiB buffer, and every datagram
 * sent is then either received or counted as dropped at the socket (loopback loses nothing else).
 * On NIO the count is unknown (-1).
 */
class MulticastTransportDropsTest {
    private static final int DATAGRAMS = 12_000;
    private static final int SIZE = 1400;

    @Test
    void datagramsTheHostDidNotReadInTimeAreCountedAtTheSocket() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        InetSocketAddress data = new InetSocketAddress(control.getAddress(), control.getPort() + 1);
        MulticastInterface lo = MulticastInterface.resolve("lo");
        AtomicLong received = new AtomicLong();
        EventLoopGroup loops = EventLoops.newGroup(1, new DefaultThreadFactory("drops-test", true));
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            EventLoop loop = loops.next();
            MulticastTransport transport = MulticastTransport.open(loop, lo, control, 1500, LossGenerator.NONE,
                    datagram -> received.incrementAndGet());
            try {
                CountDownLatch joined = new CountDownLatch(1);
                loop.execute(() -> transport.joinGroup(data, cause -> { }));
                loop.execute(joined::countDown);
                assertTrue(joined.await(10, TimeUnit.SECONDS));
                await().atMost(Duration.ofSeconds(10)).until(() -> loop.submit(() -> transport.receiveDrops(data)).get() >= 0
                        || !EventLoops.isEpoll(loops));
                long before = loop.submit(() -> transport.receiveDrops(data)).get();
                if (!EventLoops.isEpoll(loops)) {
                    assertEquals(-1, before, "NIO does not tell");
                    return;
                }
                assertEquals(0, before);
                assertEquals(-1, (long) loop.submit(() -> transport.receiveDrops(TestNetwork.controlGroup())).get(),
                        "a group not joined");

                CountDownLatch release = new CountDownLatch(1);
                loop.execute(() -> awaitQuietly(release)); // the host is busy: nothing is read
                sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo.networkInterface());
                sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
                sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                ByteBuffer payload = ByteBuffer.allocate(SIZE);
                for (int i = 0; i < DATAGRAMS; i++) {
                    sender.send(payload.clear(), data);
                }
                release.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        received.get() + loop.submit(() -> transport.receiveDrops(data)).get() >= DATAGRAMS);
                long drops = loop.submit(() -> transport.receiveDrops(data)).get();
                assertTrue(drops > 0, "a 16 MiB burst overflows a 4 MiB buffer: " + drops);
                assertEquals(DATAGRAMS, received.get() + drops);
            } finally {
                transport.close();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theDropsColumnIsReadFromTheSocketsRow() throws Exception {
        String table = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                 1234: 010000EF:A052 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0
                 1235: 020000EF:A053 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 77 2 0000000000000000 517
                """;
        assertEquals(517, SocketDrops.find(new BufferedReader(new StringReader(table)), "77"));
        assertEquals(0, SocketDrops.find(new BufferedReader(new StringReader(table)), "4242"));
        assertEquals(-1, SocketDrops.find(new BufferedReader(new StringReader(table)), "7"));
        assertEquals("4242", SocketDrops.inodeOf("socket:[4242]"));
        assertNull(SocketDrops.inodeOf("pipe:[4242]"));
        assertNull(SocketDrops.inodeOf("socket:[42x]"));
        assertNull(SocketDrops.inodeOf("socket:[]"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
