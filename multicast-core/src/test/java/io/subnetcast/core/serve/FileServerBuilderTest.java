package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileServerBuilderTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path root;

    @Test
    void bindAddressIsRequired() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FileServer.builder().rootDirectory(root).build());
        assertTrue(e.getMessage().contains("bindAddress"));
    }

    @Test
    void resolverIsRequired() {
        assertThrows(IllegalStateException.class, () -> FileServer.builder().bindAddress(LOOPBACK_ANY_PORT).build());
    }

    @Test
    void badSettingsAreRefused() {
        FileServer.Builder builder = FileServer.builder();
        assertThrows(IllegalArgumentException.class,
                () -> builder.bindAddress(InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertThrows(IllegalArgumentException.class, () -> builder.rootDirectory(root.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ofDays(365)));
        DefaultEventLoopGroup unsupported = new DefaultEventLoopGroup(1);
        try {
            assertThrows(IllegalArgumentException.class, () -> builder.eventLoopGroup(unsupported));
        } finally {
            unsupported.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void startBindsAnEphemeralPortAndCloseReleasesIt() throws Exception {
        FileServer server = FileServer.builder().bindAddress(LOOPBACK_ANY_PORT)
                .resolver(path -> Optional.empty()).build();
        assertNull(server.localAddress());
        InetSocketAddress bound = server.start();
        assertTrue(bound.getPort() > 0);
        assertEquals(InetAddress.getLoopbackAddress(), bound.getAddress());
        assertEquals(bound, server.localAddress());
        assertThrows(IllegalStateException.class, server::start);
        try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
            assertTrue(socket.isConnected());
        }
        server.close();
        server.close();
        assertThrows(IOException.class, () -> new Socket(bound.getAddress(), bound.getPort()).close());
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void aPortInUseIsReportedAndTheServerCleansUp() throws Exception {
        try (FileServer first = FileServer.builder().bindAddress(LOOPBACK_ANY_PORT).rootDirectory(root).build()) {
            InetSocketAddress bound = first.start();
            FileServer second = FileServer.builder().bindAddress(bound).rootDirectory(root).build();
            IOException e = assertThrows(IOException.class, second::start);
            assertTrue(e.getMessage().contains(String.valueOf(bound.getPort())));
            assertFalse(e.getMessage().isEmpty());
            second.close();
        }
    }
}
