package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportsTest {

    @Test
    void ownGroupIsEpollWhereAvailableWithAtMostTwoThreads() {
        EventLoopGroup group = Transports.newGroup();
        try {
            assertEquals(Epoll.isAvailable(), group instanceof EpollEventLoopGroup);
            assertEquals(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class,
                    Transports.socketChannelFor(group));
            int threads = 0;
            for (Object ignored : group) {
                threads++;
            }
            assertTrue(threads >= 1 && threads <= 2, "threads: " + threads);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void nioGroupGetsNioChannels() {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            assertEquals(NioSocketChannel.class, Transports.socketChannelFor(group));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
