package io.subnetcast.core.serve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.subnetcast.core.serve.RawHttpConnection.RawResponse;
import io.subnetcast.core.testing.Skips;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every response opens its file; the transfer must close it whether it completes or the client
 * goes away in the middle. Counted in {@code /proc/self/fd}, since server and test share a JVM.
 */
class FileServerDescriptorTest {
    private static final Path FDS = Path.of("/proc/self/fd");
    /** Descriptors the JVM, the event loops and the client may open along the way. */
    private static final int SLACK = 20;

    @TempDir
    Path root;

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.count();
        }
    }

    @Test
    void descriptorsStayBoundedOverManyRequestsAndAbortedTransfers() throws Exception {
        Skips.unless(Files.isDirectory(FDS), "no /proc/self/fd on this system");
        try (ServerFixture fixture = ServerFixture.plain(root)) {
            fixture.createFile("small.bin", 10_000);
            try (RandomAccessFile big = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
                big.setLength(64L << 20);
            }
            // Warm up once so that lazily opened JVM and Netty descriptors are counted in the baseline.
            try (RawHttpConnection connection = new RawHttpConnection(fixture.address)) {
                connection.request("GET", "/small.bin");
            }
            long baseline = openDescriptors();

            try (RawHttpConnection connection = new RawHttpConnection(fixture.address)) {
                for (int i = 0; i < 300; i++) {
                    RawResponse response = switch (i % 4) {
                        case 0 -> connection.request("GET", "/small.bin");
                        case 1 -> connection.request("GET", "/small.bin", "Range: bytes=" + i + "-" + (i + 99));
                        case 2 -> connection.request("HEAD", "/small.bin");
                        default -> connection.request("GET", "/small.bin", "Range: bytes=20000-");
                    };
                    assertEquals(i % 4 == 3 ? 416 : i % 4 == 1 ? 206 : 200, response.status());
                }
                assertEquals(baseline + 2, openDescriptors(), 2.0 + SLACK);
            }

            // Clients that vanish in the middle of a 64 MiB transfer.
            for (int i = 0; i < 30; i++) {
                try (RawHttpConnection connection = new RawHttpConnection(fixture.address)) {
                    connection.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                    InputStream in = connection.socket().getInputStream();
                    in.readNBytes(1000);
                    // Reset rather than close, so the server's transfer fails at once.
                    connection.socket().setSoLinger(true, 0);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> openDescriptors() <= baseline + SLACK);
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.served.stream()
                    .filter(s -> s.target().equals("/big.bin") && !s.complete()).count() == 30);
        }
    }
}
