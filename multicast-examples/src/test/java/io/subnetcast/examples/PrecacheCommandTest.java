package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecacheCommandTest {
    private static final int LENGTH = 3 * (1 << 20) + 12_345;

    @TempDir
    Path dir;

    private FileServer origin;
    private final AtomicLong served = new AtomicLong();
    private String url;
    private String sha;

    @BeforeEach
    void startOrigin() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] content = new byte[LENGTH];
        new SplittableRandom(7).nextBytes(content);
        Files.write(www.resolve("pkg.bin"), content);
        sha = BlockHashes.toHex(BlockHashes.newSha256().digest(content));
        origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).requestListener(r -> served.addAndGet(r.bodyBytes())).build();
        url = "http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin";
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    @Test
    void fetchesIntoTheCacheOnceAndVerifiesInPlace() {
        Path cache = dir.resolve("cache");
        Cli.Result first = Cli.run("precache", "--task", "pkg-1", "--url", url, "--sha256", sha, "--cache-dir", cache.toString());
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("precached task pkg-1: 3.0 MiB"), first.out());
        assertTrue(first.out().contains("SHA-256 " + sha + " verified"), first.out());
        assertEquals(LENGTH, served.get(), "fetched once");
        assertTrue(Files.isDirectory(cache.resolve("pkg-1")), "cached under the task id");
        assertFalse(Files.exists(dir.resolve("pkg.bin")), "placed nowhere else");

        Cli.Result second = Cli.run("precache", "--task", "pkg-1", "--url", url, "--sha256", sha, "--cache-dir", cache.toString());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("0 B from " + url), "nothing fetched again: " + second.out());
        assertEquals(LENGTH, served.get());
    }

    @Test
    void aMismatchingHashDiscardsTheCachedCopy() {
        Path cache = dir.resolve("cache");
        Cli.Result result = Cli.run("precache", "--task", "pkg-2", "--url", url, "--sha256", "00".repeat(32), "--cache-dir",
                cache.toString());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        // Progress lines come first; the failure is the one last line.
        String last = result.errLines().get(result.errLines().size() - 1);
        assertTrue(last.startsWith("subnetcast precache: the package at " + url + " has SHA-256 " + sha + ", not "
                + "00".repeat(32) + "; the cached copy was discarded"), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        assertFalse(Files.exists(cache.resolve("pkg-2")), "discarded");
    }

    @Test
    void unreachableOrigin() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Cli.Result result = Cli.run("precache", "--task", "pkg-3", "--url", "http://127.0.0.1:" + closedPort + "/pkg.bin",
                "--cache-dir", dir.resolve("cache").toString()).assertOneLineError("failed");
        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.err().contains("Connection refused"), result.err());
    }

    @Test
    void badInput() {
        Cli.run("precache", "--task", "pkg", "--url", "http//x", "--cache-dir", dir.toString()).assertOneLineError("--url");
        Cli.run("precache", "--task", "pkg", "--url", url, "--sha256", "12", "--cache-dir", dir.toString())
                .assertOneLineError("a SHA-256 is 64 hexadecimal digits");
        Cli.run("precache", "--task", ".hidden", "--url", url).assertOneLineError("task id");
    }
}
