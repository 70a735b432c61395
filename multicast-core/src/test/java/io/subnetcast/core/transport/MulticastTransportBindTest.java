package io.subnetcast.core.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Receive sockets bound to the group or to the wildcard address, on the loopback interface: two
 * transports on two groups of one port. Bound to the group, each socket gets its own group only.
 * Bound to the wildcard address, a transport shares one socket among the groups of a port (no
 * datagram arrives twice) and still hears only the groups it joined, because Linux's
 * {@code IP_MULTICAST_ALL} is off on its sockets: the transport turns it off on epoll, and the JDK
 * turns it off on every datagram socket it opens, which NIO's are (both measured here, in the
 * epoll run and the NIO run of this test).
 */
class MulticastTransportBindTest {
    private static final int MAX = 1500;
    private static final int EACH = 5;

    @Test
    void osNamesChooseTheDefaultAndSettingsParse() {
        assertEquals(ReceiveBind.WILDCARD, ReceiveBind.forOs("Windows 11"));
        assertEquals(ReceiveBind.WILDCARD, ReceiveBind.forOs("Windows Server 2022"));
        assertEquals(ReceiveBind.GROUP, ReceiveBind.forOs("Linux"));
        assertEquals(ReceiveBind.GROUP, ReceiveBind.forOs("Mac OS X"));
        assertEquals(ReceiveBind.GROUP, ReceiveBind.forOs(null));
        assertEquals(ReceiveBind.WILDCARD, ReceiveBind.parse(" Wildcard"));
        assertEquals(ReceiveBind.GROUP, ReceiveBind.parse("group"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ReceiveBind.parse("any\nthing"));
        assertTrue(refused.getMessage().contains("'group' or 'wildcard'") && !refused.getMessage().contains("\n"),
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReceiveBind.parse(null));
    }

    @Test
    void boundToTheirGroupsTransportsHearTheirOwnGroupOnly() throws Exception {
        Map<String, Integer> heard = exchange(ReceiveBind.GROUP);
        assertEquals(Map.of("A<-1", EACH, "A<-3", EACH, "B<-2", EACH), heard);
    }

    @Test
    void boundToTheWildcardAddressTransportsShareASocketPerPort() throws Exception {
        Map<String, Integer> heard = exchange(ReceiveBind.WILDCARD);
        // Only the groups the socket joined itself, each once, on epoll and on NIO alike.
        assertEquals(Map.of("A<-1", EACH, "A<-3", EACH, "B<-2", EACH), heard);
    }

    /**
     * Transport A receives groups 1 and 3, B group 2, all on one port; five datagrams go to each
     * group. Then A leaves group 3, and five more to it reach nobody.
     *
     * @return how many datagrams each transport heard of each group: "A<-1" and so on
     */
    private static Map<String, Integer> exchange(ReceiveBind bind) throws Exception {
        InetSocketAddress group1 = TestNetwork.controlGroup();
        byte[] a = group1.getAddress().getAddress();
        InetSocketAddress group2 = new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {a[0], a[1], (byte) (a[2] + 100), a[3]}), group1.getPort());
        InetSocketAddress group3 = new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {a[0], a[1], (byte) (a[2] + 101), a[3]}), group1.getPort());
        MulticastInterface lo = MulticastInterface.resolve("lo");
        Map<String, Integer> heard = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        EventLoopGroup loops = EventLoops.newGroup(1, new DefaultThreadFactory("bind-test", true));
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo.networkInterface());
            sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            MulticastTransport transportA = MulticastTransport.open(loops.next(), lo, group1, MAX, LossGenerator.NONE,
                    datagram -> count(heard, total, "A", datagram.getByte(datagram.readerIndex())), bind);
            MulticastTransport transportB = MulticastTransport.open(loops.next(), lo, group2, MAX, LossGenerator.NONE,
                    datagram -> count(heard, total, "B", datagram.getByte(datagram.readerIndex())), bind);
            try {
                assertEquals(bind, transportA.receiveBind());
                AtomicInteger failures = new AtomicInteger();
                loops.next().submit(() -> transportA.joinGroup(group3, cause -> failures.incrementAndGet()))
                        .syncUninterruptibly();
                // The join completes on the loop later: probe (tag 0, not counted) until A hears group 3.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    sender.send(ByteBuffer.wrap(new byte[] {0}), group3);
                    return heard.containsKey("A<-0");
                });
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
                heard.clear();
                total.set(0);
                for (int i = 0; i < EACH; i++) {
                    sender.send(ByteBuffer.wrap(new byte[] {1}), group1);
                    sender.send(ByteBuffer.wrap(new byte[] {2}), group2);
                    sender.send(ByteBuffer.wrap(new byte[] {3}), group3);
                }
                int expected = 3 * EACH;
                // Stable for 300 ms at the expected count: nothing arrives twice, nothing late.
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                        .until(() -> total.get() == expected);
                assertEquals(0, failures.get());
                Map<String, Integer> result = Map.copyOf(heard);
                loops.next().submit(() -> transportA.leaveGroup(group3)).syncUninterruptibly();
                for (int i = 0; i < EACH; i++) {
                    sender.send(ByteBuffer.wrap(new byte[] {3}), group3);
                }
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                        .until(() -> total.get() == expected);
                return result;
            } finally {
                transportA.close();
                transportB.close();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void count(Map<String, Integer> heard, AtomicInteger total, String who, byte tag) {
        heard.merge(who + "<-" + tag, 1, Integer::sum);
        if (tag != 0) {
            total.incrementAndGet();
        }
    }
}
