package io.subnetcast.core.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With UDP GSO turned on (it is off by default), datagrams queued between two flushes leave as
 * super-datagrams where the kernel has it (epoll), and every receiver still gets each datagram whole, in order: full-size ones, a short
 * one that ends a batch, one to another group in between, more than a super-datagram holds.
 */
class MulticastTransportGsoTest {
    private static final int SIZE = 1472;

    @Test
    void batchedDatagramsArriveOneByOneInTheOrderTheyWereWritten() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        InetSocketAddress data = new InetSocketAddress(control.getAddress(), control.getPort() + 1);
        MulticastInterface lo = MulticastInterface.resolve("lo");
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        EventLoopGroup loops = EventLoops.newGroup(1, new DefaultThreadFactory("gso-test", true));
        try {
            EventLoop loop = loops.next();
            String before = System.setProperty(MulticastTransport.UDP_GSO_PROPERTY, "true"); // off by default
            MulticastTransport transport;
            try {
                transport = MulticastTransport.open(loop, lo, control, 2048, LossGenerator.NONE,
                        datagram -> received.add(datagram.readableBytes() + ":" + datagram.getInt(datagram.readerIndex())));
            } finally {
                if (before == null) {
                    System.clearProperty(MulticastTransport.UDP_GSO_PROPERTY);
                } else {
                    System.setProperty(MulticastTransport.UDP_GSO_PROPERTY, before);
                }
            }
            try {
                CountDownLatch joined = new CountDownLatch(1);
                loop.execute(() -> transport.joinGroup(data, cause -> { }));
                loop.execute(joined::countDown);
                assertTrue(joined.await(10, TimeUnit.SECONDS));
                List<String> sent = new ArrayList<>();
                loop.submit(() -> {
                    int id = 0;
                    for (int i = 0; i < 100; i++) { // more than one super-datagram holds (44)
                        transport.write(datagram(SIZE, id), data);
                        sent.add(SIZE + ":" + id++);
                    }
                    transport.write(datagram(700, id), data); // a short one ends the batch
                    sent.add(700 + ":" + id++);
                    transport.write(datagram(SIZE, id), data);
                    sent.add(SIZE + ":" + id++);
                    transport.write(datagram(SIZE, id), control); // another group in between
                    sent.add(SIZE + ":" + id++);
                    for (int i = 0; i < 5; i++) {
                        transport.write(datagram(SIZE, id), data);
                        sent.add(SIZE + ":" + id++);
                    }
                    transport.flush();
                }).get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= sent.size());
                // The control group's datagram comes through another socket: in order only within each group.
                String other = SIZE + ":102";
                assertTrue(received.remove(other), "the datagram to the other group arrived");
                sent.remove(other);
                assertEquals(sent, received);
                long segmented = loop.submit(transport::segmentedDatagrams).get();
                if (EventLoops.isEpoll(loops)) {
                    assertTrue(segmented >= 100, "sent in super-datagrams: " + segmented);
                } else {
                    assertEquals(0, segmented, "NIO has no UDP GSO: one datagram at a time");
                }
            } finally {
                transport.close();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static ByteBuf datagram(int size, int id) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        buffer.writeInt(id).writeZero(size - 4);
        return buffer;
    }
}
