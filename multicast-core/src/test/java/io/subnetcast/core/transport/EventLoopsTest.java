package io.subnetcast.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.subnetcast.core.testing.Skips;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @Test
    void aNewGroupIsEpollExactlyWhenEpollLoadsAndUsesTheGivenThreads() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(2, new DefaultThreadFactory("loops-test", true));
        try {
            assertEquals(Epoll.isAvailable(), group instanceof EpollEventLoopGroup);
            assertEquals(Epoll.isAvailable(), EventLoops.isEpoll(group));
            int loops = 0;
            for (Object ignored : group) {
                loops++;
            }
            assertEquals(2, loops);
            Thread thread = group.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
            assertTrue(thread.getName().startsWith("loops-test") && thread.isDaemon(), thread.toString());
        } finally {
            shutDown(group);
        }
    }

    @Test
    void aNioGroupAndEachOfItsLoopsGetNioChannels() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            for (EventLoopGroup target : List.of(group, group.next())) {
                assertFalse(EventLoops.isEpoll(target));
                assertEquals(NioSocketChannel.class, EventLoops.socketChannel(target));
                assertEquals(NioServerSocketChannel.class, EventLoops.serverSocketChannel(target));
                registersAndCloses(target, EventLoops.datagramChannel(target).newChannel(), NioDatagramChannel.class);
            }
        } finally {
            shutDown(group);
        }
    }

    @Test
    void anEpollGroupAndEachOfItsLoopsGetEpollChannels() throws Exception {
        Skips.unless(Epoll.isAvailable(), "epoll not available: " + Epoll.unavailabilityCause());
        EpollEventLoopGroup group = new EpollEventLoopGroup(1);
        try {
            for (EventLoopGroup target : List.of(group, group.next())) {
                assertTrue(EventLoops.isEpoll(target));
                assertEquals(EpollSocketChannel.class, EventLoops.socketChannel(target));
                assertEquals(EpollServerSocketChannel.class, EventLoops.serverSocketChannel(target));
                registersAndCloses(target, EventLoops.datagramChannel(target).newChannel(), EpollDatagramChannel.class);
            }
        } finally {
            shutDown(group);
        }
    }

    @Test
    void otherGroupsAreRefusedWithTheirName() {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            List<Function<EventLoopGroup, Object>> uses = List.of(EventLoops::isEpoll, EventLoops::requireSupported,
                    EventLoops::socketChannel, EventLoops::serverSocketChannel, EventLoops::datagramChannel);
            for (EventLoopGroup target : List.of(group, group.next())) {
                for (Function<EventLoopGroup, Object> use : uses) {
                    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> use.apply(target));
                    assertTrue(refused.getMessage().contains(target.getClass().getName())
                            && refused.getMessage().contains("EpollEventLoopGroup or a NioEventLoopGroup"),
                            refused.getMessage());
                }
            }
        } finally {
            shutDown(group);
        }
        assertThrows(IllegalArgumentException.class, () -> EventLoops.newGroup(-1, new DefaultThreadFactory("x")));
    }

    /** Netty reads the switch once, when Epoll loads: only a fresh JVM can show it. */
    @Test
    void noNativeForcesNio() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-Dio.netty.transport.noNative=true",
                "-cp", System.getProperty("java.class.path"), NoNativeChild.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not end");
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, child.exitValue(), out);
            assertEquals("epoll=false group=NioEventLoopGroup socket=NioSocketChannel", out);
        } finally {
            child.destroyForcibly();
        }
    }

    /** Run by {@link #noNativeForcesNio()} in a JVM started with {@code -Dio.netty.transport.noNative=true}. */
    static final class NoNativeChild {
        public static void main(String[] args) {
            EventLoopGroup group = EventLoops.newGroup(1, new DefaultThreadFactory("no-native", true));
            try {
                System.out.println("epoll=" + Epoll.isAvailable() + " group=" + group.getClass().getSimpleName()
                        + " socket=" + EventLoops.socketChannel(group).getSimpleName());
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** The channel registers with the group's loop, which fails for a channel of the wrong kind. */
    private static void registersAndCloses(EventLoopGroup group, Channel channel, Class<?> expected) throws IOException {
        assertInstanceOf(expected, channel);
        try {
            assertTrue(group.register(channel).awaitUninterruptibly(5, TimeUnit.SECONDS));
            assertTrue(channel.isRegistered(), "not registered");
            assertSame(channel, channel.pipeline().channel());
        } finally {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static void shutDown(EventLoopGroup group) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
