package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle timeout cuts off clients that stop reading, not long downloads to slow clients: a
 * response still making progress is not idle.
 */
class FileServerSlowReaderTest {
    private static final long SIZE = 16L << 20;

    @TempDir
    Path root;

    private long download(InetSocketAddress address, long bytesPerSecond, long stopAfter) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            long start = System.nanoTime();
            int read;
            while ((read = in.read(buffer)) >= 0 && total < stopAfter) {
                total += read;
                // A slow client: read at the given rate (this paces the client, it waits for nothing).
                long dueNs = start + total * 1_000_000_000L / bytesPerSecond;
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) {
                    LockSupport.parkNanos(waitNs);
                }
            }
            if (total >= stopAfter) {
                // Stop reading altogether and see whether the server gives up on us.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                try {
                    while ((read = in.read(buffer)) >= 0 && System.nanoTime() < deadline) {
                        total += read;
                    }
                } catch (java.net.SocketException e) {
                    // reset by the server: it gave up, as it should
                }
            }
            return total;
        }
    }

    @Test
    void aSlowButSteadyDownloadOutlivesTheIdleTimeoutAndAStalledOneDoesNot() throws Exception {
        try (RandomAccessFile file = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            file.setLength(SIZE);
        }
        try (FileServer server = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(root).idleTimeout(Duration.ofMillis(300)).build()) {
            InetSocketAddress address = server.start();
            long received = download(address, 6L << 20, Long.MAX_VALUE); // about 3 s at 6 MiB/s
            assertTrue(received > SIZE, "the whole body arrived (plus headers): " + received);
            long stalled = download(address, 64L << 20, 1L << 20);
            assertTrue(stalled < SIZE, "a client that stopped reading was cut off after " + stalled + " bytes");
        }
    }
}
