package io.subnetcast.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guards the build's second pass of the socket tests: where it passes Netty's noNative switch, the
 * engine's loops must really be NIO, or that pass would quietly repeat the epoll one.
 */
class TransportPassTest {
    @Test
    void theNoNativeSwitchGivesNioLoops() {
        boolean noNative = Boolean.getBoolean("io.netty.transport.noNative");
        EventLoopGroup group = EventLoops.newGroup(1, new DefaultThreadFactory("pass-test", true));
        try {
            if (noNative) {
                assertEquals(false, Epoll.isAvailable(), "noNative set, yet epoll loads");
                assertEquals(false, EventLoops.isEpoll(group), "noNative set, yet the loops are epoll");
            } else {
                assertEquals(Epoll.isAvailable(), EventLoops.isEpoll(group));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
