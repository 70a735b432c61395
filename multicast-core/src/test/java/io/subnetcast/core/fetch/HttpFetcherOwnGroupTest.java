package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpFetcherOwnGroupTest {

    @Test
    void ownGroupIsEpollWhereAvailableWithOneOrTwoDaemonThreads() throws Exception {
        EventLoopGroup group = HttpFetcher.newOwnGroup();
        try {
            assertEquals(Epoll.isAvailable(), group instanceof EpollEventLoopGroup);
            int threads = 0;
            for (Object ignored : group) {
                threads++;
            }
            assertTrue(threads >= 1 && threads <= 2, "threads: " + threads);
            Thread thread = group.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
            assertTrue(thread.isDaemon() && thread.getName().startsWith("subnetcast-fetch"), thread.toString());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aGroupThatCannotRunSocketsIsRefusedByTheBuilder() {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            assertThrows(IllegalArgumentException.class, () -> HttpFetcher.builder().eventLoopGroup(group));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
