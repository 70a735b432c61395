package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.subnetcast.core.serve.FileServerRawSocketTest.Transport;
import io.subnetcast.core.serve.RawHttpConnection.RawResponse;
import io.subnetcast.core.testing.Skips;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A file beyond 4 GiB, where any {@code int} in the length or offset arithmetic would show. The
 * file is sparse, so the test writes and reads only a few hundred bytes.
 */
class FileServerLargeFileTest {
    private static final long LENGTH = 5L << 30;
    private static final long TAIL_START = 5_368_709_000L;
    private static final long FOUR_GIB = 1L << 32;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void lengthAndRangesBeyondFourGiB(Transport transport) throws Exception {
        Skips.unless(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll not available");
        byte[] tail = new byte[(int) (LENGTH - TAIL_START)];
        for (int i = 0; i < tail.length; i++) {
            tail[i] = (byte) (i * 7 + 3);
        }
        byte[] acrossFourGiB = "across the 4 GiB line".getBytes(StandardCharsets.US_ASCII);
        Path file = root.resolve("huge.iso");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(LENGTH);
            raf.seek(TAIL_START);
            raf.write(tail);
            raf.seek(FOUR_GIB - 10);
            raf.write(acrossFourGiB);
        }
        Skips.unless(Files.size(file) == LENGTH, "could not make the large sparse file");

        EventLoopGroup group = transport.newGroup();
        try (ServerFixture fixture = new ServerFixture(root, b -> b.eventLoopGroup(group))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(fixture.uri("/huge.iso"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(LENGTH), head.headers().firstValue("content-length").orElseThrow());

            HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(fixture.uri("/huge.iso"))
                    .header("Range", "bytes=5368709000-5368709119").timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertEquals("bytes 5368709000-5368709119/5368709120",
                    range.headers().firstValue("content-range").orElseThrow());
            assertEquals("120", range.headers().firstValue("content-length").orElseThrow());
            assertArrayEquals(tail, range.body());

            try (RawHttpConnection connection = new RawHttpConnection(fixture.address)) {
                RawResponse across = connection.request("GET", "/huge.iso",
                        "Range: bytes=" + (FOUR_GIB - 10) + "-" + (FOUR_GIB - 10 + acrossFourGiB.length - 1));
                assertArrayEquals(acrossFourGiB, across.body());
                RawResponse suffix = connection.request("GET", "/huge.iso", "Range: bytes=-3");
                assertEquals("bytes 5368709117-5368709119/5368709120", suffix.header("content-range"));
                assertArrayEquals(new byte[] {tail[117], tail[118], tail[119]}, suffix.body());
                RawResponse beyond = connection.request("GET", "/huge.iso", "Range: bytes=5368709120-");
                assertEquals(416, beyond.status());
                assertEquals("bytes */5368709120", beyond.header("content-range"));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
