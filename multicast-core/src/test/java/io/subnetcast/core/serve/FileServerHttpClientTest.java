package io.subnetcast.core.serve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server as an independent client sees it: the JDK's HttpClient over loopback. */
class FileServerHttpClientTest {
    private static final int SIZE = 100_000;
    private static final String FILE = "/pkg/setup.bin";
    private static final String LAST_MODIFIED = "Tue, 02 Jan 2024 03:04:05 GMT";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @TempDir
    Path root;
    private ServerFixture fixture;
    private byte[] content;
    private String etag;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.plain(root);
        content = fixture.createFile("pkg/setup.bin", SIZE);
        etag = FileResource.strongEtag(SIZE, ServerFixture.MTIME);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fixture.uri(path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertFraming(response, method);
        return response;
    }

    /** Every response: one Content-Length that matches the body, and never chunked. */
    private static void assertFraming(HttpResponse<byte[]> response, String method) {
        assertFalse(response.headers().firstValue("transfer-encoding").isPresent(), "chunked: " + response);
        assertEquals(1, response.headers().allValues("content-length").size(), "Content-Length in " + response);
        long length = response.headers().firstValueAsLong("content-length").orElseThrow();
        if (!method.equals("HEAD")) {
            assertEquals(length, response.body().length);
        }
        assertTrue(response.headers().firstValue("date").isPresent());
    }

    private byte[] slice(long start, long endInclusive) {
        return Arrays.copyOfRange(content, (int) start, (int) endInclusive + 1);
    }

    @Test
    void headReportsTheRepresentationWithoutABody() throws Exception {
        HttpResponse<byte[]> response = send("HEAD", FILE);
        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(SIZE), response.headers().firstValue("content-length").orElseThrow());
        assertEquals("bytes", response.headers().firstValue("accept-ranges").orElseThrow());
        assertEquals(etag, response.headers().firstValue("etag").orElseThrow());
        assertEquals(LAST_MODIFIED, response.headers().firstValue("last-modified").orElseThrow());
        assertEquals("application/octet-stream", response.headers().firstValue("content-type").orElseThrow());
        assertEquals(0, response.body().length);
    }

    @Test
    void headIgnoresRange() throws Exception {
        HttpResponse<byte[]> response = send("HEAD", FILE, "Range", "bytes=0-9");
        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(SIZE), response.headers().firstValue("content-length").orElseThrow());
        assertFalse(response.headers().firstValue("content-range").isPresent());
    }

    @Test
    void getSendsTheWholeFile() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE);
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
        assertEquals(etag, response.headers().firstValue("etag").orElseThrow());
        await().until(() -> fixture.served.size() == 1);
        ServedRequest served = fixture.served.get(0);
        assertEquals("GET", served.method());
        assertEquals(FILE, served.target());
        assertEquals(200, served.status());
        assertEquals(SIZE, served.bodyBytes());
        assertTrue(served.complete());
        assertEquals(null, served.range());
        assertEquals("127.0.0.1", served.remoteAddress().getAddress().getHostAddress());
    }

    @Test
    void closedRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=100-199");
        assertEquals(206, response.statusCode());
        assertEquals("bytes 100-199/" + SIZE, response.headers().firstValue("content-range").orElseThrow());
        assertEquals("100", response.headers().firstValue("content-length").orElseThrow());
        assertArrayEquals(slice(100, 199), response.body());
        await().until(() -> fixture.served.size() == 1);
        assertEquals(206, fixture.served.get(0).status());
        assertEquals(100, fixture.served.get(0).bodyBytes());
        assertEquals("bytes=100-199", fixture.served.get(0).range());
    }

    @Test
    void openRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=99000-");
        assertEquals(206, response.statusCode());
        assertEquals("bytes 99000-99999/" + SIZE, response.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(99_000, SIZE - 1), response.body());
    }

    @Test
    void suffixRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=-500");
        assertEquals(206, response.statusCode());
        assertEquals("bytes 99500-99999/" + SIZE, response.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(SIZE - 500, SIZE - 1), response.body());
    }

    @Test
    void rangeBeyondTheEndIsClamped() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=99990-200000");
        assertEquals(206, response.statusCode());
        assertEquals("bytes 99990-99999/" + SIZE, response.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(99_990, SIZE - 1), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100000-", "bytes=200000-300000", "bytes=-0"})
    void unsatisfiableRangeIs416WithTheLength(String range) throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", range);
        assertEquals(416, response.statusCode());
        assertEquals("bytes */" + SIZE, response.headers().firstValue("content-range").orElseThrow());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertTrue(response.body().length > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-9", "bytes=5-2", "bytes=abc", "lines=1-2", "bytes=1 - 2"})
    void multipleOrInvalidRangesAreIgnored(String range) throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", range);
        assertEquals(200, response.statusCode());
        assertFalse(response.headers().firstValue("content-range").isPresent());
        assertArrayEquals(content, response.body());
    }

    @Test
    void ifRangeWithTheCurrentEtagHonoursTheRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=10-19", "If-Range", etag);
        assertEquals(206, response.statusCode());
        assertArrayEquals(slice(10, 19), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"other\"", "W/\"186a0-18cc8a3640e\"", "\"186a0\"", "garbage"})
    void ifRangeWithAnotherEtagSendsTheWholeFile(String ifRange) throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=10-19", "If-Range", ifRange);
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
    }

    @Test
    void weakVersionOfTheCurrentEtagDoesNotMatch() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=10-19", "If-Range", "W/" + etag);
        assertEquals(200, response.statusCode());
    }

    @Test
    void ifRangeWithTheExactLastModifiedHonoursTheRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=10-19", "If-Range", LAST_MODIFIED);
        assertEquals(206, response.statusCode());
        assertArrayEquals(slice(10, 19), response.body());
    }

    @Test
    void ifRangeWithAnotherDateSendsTheWholeFile() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=10-19",
                "If-Range", "Tue, 02 Jan 2024 03:04:06 GMT");
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
    }

    @Test
    void ifRangeMismatchAlsoOverridesAnUnsatisfiableRange() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE, "Range", "bytes=500000-", "If-Range", "\"old\"");
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
    }

    @Test
    void aDateJustWrittenIsNotAStrongValidator() throws Exception {
        Path file = root.resolve("fresh.bin");
        Files.write(file, new byte[100]);
        Instant now = Instant.now();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(now.plusSeconds(30)));
        HttpResponse<byte[]> head = send("HEAD", "/fresh.bin");
        String lastModified = head.headers().firstValue("last-modified").orElseThrow();
        HttpResponse<byte[]> response = send("GET", "/fresh.bin", "Range", "bytes=0-9", "If-Range", lastModified);
        assertEquals(200, response.statusCode());
    }

    @Test
    void emptyFile() throws Exception {
        fixture.createFile("empty.bin", 0);
        HttpResponse<byte[]> whole = send("GET", "/empty.bin");
        assertEquals(200, whole.statusCode());
        assertEquals("0", whole.headers().firstValue("content-length").orElseThrow());
        HttpResponse<byte[]> range = send("GET", "/empty.bin", "Range", "bytes=0-");
        assertEquals(416, range.statusCode());
        assertEquals("bytes */0", range.headers().firstValue("content-range").orElseThrow());
    }

    @Test
    void queryIsIgnored() throws Exception {
        HttpResponse<byte[]> response = send("GET", FILE + "?cachebust=1");
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
    }

    @Test
    void percentEncodedNamesAreDecoded() throws Exception {
        byte[] spaced = fixture.createFile("a b+\u00e9.bin", 10);
        HttpResponse<byte[]> response = send("GET", "/a%20b+%C3%A9.bin");
        assertEquals(200, response.statusCode());
        assertArrayEquals(spaced, response.body());
    }

    @Test
    void missingFileIs404() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/nope.bin");
        assertEquals(404, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertEquals(404, send("HEAD", "/nope.bin").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/pkg", "/pkg/"})
    void directoriesAreNotListed(String path) throws Exception {
        HttpResponse<byte[]> response = send("GET", path);
        assertEquals(404, response.statusCode());
        assertFalse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).contains("setup.bin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW"})
    void otherMethodsAre405WithAllow(String method) throws Exception {
        HttpResponse<byte[]> response = send(method, FILE);
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("allow").orElseThrow());
    }

    @Test
    void connectionIsReusedByTheClient() throws Exception {
        send("GET", FILE, "Range", "bytes=0-0");
        send("GET", FILE, "Range", "bytes=1-1");
        await().until(() -> fixture.served.size() == 2);
        assertEquals(fixture.served.get(0).connectionId(), fixture.served.get(1).connectionId());
        assertEquals(1, fixture.served.get(0).requestNumber());
        assertEquals(2, fixture.served.get(1).requestNumber());
    }

    @Test
    void spansAResourceDoesNotHoldAre404() throws Exception {
        fixture.close();
        Resource partial = new Resource() {
            @Override
            public long length() {
                return SIZE;
            }

            @Override
            public Instant lastModified() {
                return ServerFixture.MTIME;
            }

            @Override
            public String etag() {
                return etag;
            }

            @Override
            public java.nio.channels.FileChannel open() throws IOException {
                return java.nio.channels.FileChannel.open(root.resolve("pkg/setup.bin"));
            }

            /** Holds only the first half, as a cache file still being filled would. */
            @Override
            public boolean holds(long start, long endExclusive) {
                return endExclusive <= SIZE / 2;
            }
        };
        fixture = new ServerFixture(root, b -> b.resolver(path -> Optional.of(partial)));
        HttpResponse<byte[]> held = send("GET", "/x", "Range", "bytes=0-99");
        assertEquals(206, held.statusCode());
        assertArrayEquals(slice(0, 99), held.body());
        assertEquals(404, send("GET", "/x", "Range", "bytes=49999-50000").statusCode());
        assertEquals(404, send("GET", "/x").statusCode());
    }
}
