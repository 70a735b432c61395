package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.testing.Skips;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl, a client written by other people, against the server. Skipped where curl is missing. */
class FileServerCurlTest {
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final int SIZE = 300_000;

    @TempDir
    Path root;
    @TempDir
    Path downloads;
    private ServerFixture fixture;
    private byte[] content;

    @BeforeEach
    void start() throws IOException {
        Skips.unless(Files.isExecutable(CURL), "curl is not installed");
        fixture = ServerFixture.plain(root);
        content = fixture.createFile("setup.bin", SIZE);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Runs curl with its headers to stdout and its body to {@code out}; returns the header block. */
    private String curl(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "-q", "-s", "--http1.1", "--noproxy", "*",
                "--max-time", "20", "-D", "-", "-o", out.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Never go through a proxy: the request must reach 127.0.0.1 directly.
        builder.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        Process process = builder.start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
            assertEquals(0, process.exitValue(), () -> "curl failed: " + new String(output, StandardCharsets.UTF_8));
            return new String(output, StandardCharsets.ISO_8859_1);
        } finally {
            process.destroyForcibly();
        }
    }

    private String url(String path) {
        return fixture.uri(path).toString();
    }

    private static void assertFramed(String headers) {
        String lower = headers.toLowerCase(Locale.ROOT);
        assertTrue(lower.contains("\r\ncontent-length: "), headers);
        assertFalse(lower.contains("transfer-encoding"), headers);
    }

    @Test
    void rangeRequest() throws Exception {
        Path out = downloads.resolve("range");
        String headers = curl(out, "-r", "100-199", url("/setup.bin"));
        assertTrue(headers.startsWith("HTTP/1.1 206 "), headers);
        assertTrue(headers.contains("Content-Range: bytes 100-199/" + SIZE + "\r\n"), headers);
        assertTrue(headers.contains("Content-Length: 100\r\n"), headers);
        assertFramed(headers);
        assertArrayEquals(Arrays.copyOfRange(content, 100, 200), Files.readAllBytes(out));
    }

    @Test
    void wholeFileAndHead() throws Exception {
        Path out = downloads.resolve("whole");
        String headers = curl(out, url("/setup.bin"));
        assertTrue(headers.startsWith("HTTP/1.1 200 "), headers);
        assertFramed(headers);
        assertArrayEquals(content, Files.readAllBytes(out));

        String head = curl(downloads.resolve("head"), "-I", url("/setup.bin"));
        assertTrue(head.contains("Content-Length: " + SIZE + "\r\n"), head);
        assertTrue(head.contains("Accept-Ranges: bytes\r\n"), head);
        assertTrue(head.contains("ETag: " + FileResource.strongEtag(SIZE, ServerFixture.MTIME) + "\r\n"), head);
    }

    @Test
    void resumeWithContinueAt() throws Exception {
        Path out = downloads.resolve("resume");
        Files.write(out, Arrays.copyOf(content, 1234));
        String headers = curl(out, "-C", "-", url("/setup.bin"));
        assertTrue(headers.startsWith("HTTP/1.1 206 "), headers);
        assertArrayEquals(content, Files.readAllBytes(out));
    }

    @Test
    void unsatisfiableRangeAndTraversal() throws Exception {
        String unsatisfiable = curl(downloads.resolve("416"), "-r", SIZE + "-", url("/setup.bin"));
        assertTrue(unsatisfiable.startsWith("HTTP/1.1 416 "), unsatisfiable);
        assertTrue(unsatisfiable.contains("Content-Range: bytes */" + SIZE + "\r\n"), unsatisfiable);
        assertFramed(unsatisfiable);

        String traversal = curl(downloads.resolve("403"), "--path-as-is", url("/../../../etc/passwd"));
        assertTrue(traversal.startsWith("HTTP/1.1 403 "), traversal);
        assertFramed(traversal);
        assertFalse(Files.readString(downloads.resolve("403")).contains("root:"));
    }

    @Test
    void conditionalRequestsAnswerNotModifiedWhileTheCopyIsCurrent() throws Exception {
        String etag = FileResource.strongEtag(SIZE, ServerFixture.MTIME);
        String lastModified = "Tue, 02 Jan 2024 03:04:05 GMT";
        Path out = downloads.resolve("conditional");
        String byTag = curl(out, "-H", "If-None-Match: " + etag, url("/setup.bin"));
        assertTrue(byTag.startsWith("HTTP/1.1 304 "), byTag);
        assertTrue(byTag.contains("ETag: " + etag + "\r\n"), byTag);
        assertFalse(Files.exists(out) && Files.size(out) > 0, "a 304 has no body");

        String weakAndListed = curl(out, "-H", "If-None-Match: \"other\", W/" + etag, url("/setup.bin"));
        assertTrue(weakAndListed.startsWith("HTTP/1.1 304 "), weakAndListed);

        String byDate = curl(out, "-H", "If-Modified-Since: " + lastModified, url("/setup.bin"));
        assertTrue(byDate.startsWith("HTTP/1.1 304 "), byDate);

        // The representation changed since: the whole of it, as always.
        String stale = curl(downloads.resolve("stale"), "-H", "If-None-Match: \"0-0\"", url("/setup.bin"));
        assertTrue(stale.startsWith("HTTP/1.1 200 "), stale);
        assertArrayEquals(content, Files.readAllBytes(downloads.resolve("stale")));
        String older = curl(downloads.resolve("older"), "-H", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT",
                url("/setup.bin"));
        assertTrue(older.startsWith("HTTP/1.1 200 "), older);
        // If-None-Match decides when both are present (RFC 9110 section 13.2.2).
        String both = curl(downloads.resolve("both"), "-H", "If-None-Match: \"0-0\"", "-H",
                "If-Modified-Since: " + lastModified, url("/setup.bin"));
        assertTrue(both.startsWith("HTTP/1.1 200 "), both);
        // If-Range keeps its meaning: a matching validator and a range give 206.
        String ranged = curl(downloads.resolve("ranged"), "-r", "0-9", "-H", "If-Range: " + etag, url("/setup.bin"));
        assertTrue(ranged.startsWith("HTTP/1.1 206 "), ranged);
    }

    @Test
    void connectionStaysUsableAfterNotModified() throws Exception {
        String etag = FileResource.strongEtag(SIZE, ServerFixture.MTIME);
        // Two URLs on one curl command line share one connection: the 304 must not break its framing.
        String headers = curl(downloads.resolve("two"), "-H", "If-None-Match: " + etag, url("/setup.bin"),
                "-o", downloads.resolve("second").toString(), url("/setup.bin"));
        assertEquals(2, headers.split("HTTP/1.1 304 ", -1).length - 1, headers);
        assertFalse(headers.toLowerCase(Locale.ROOT).contains("connection: close"), headers);
    }
}
