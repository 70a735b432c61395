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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    /** A precache run on loopback, in its own session group, with short timers. */
    private Cli.Result precache(String task, String sha256, Path cache, String group) {
        List<String> args = new ArrayList<>(List.of("precache", "--task", task, "--url", url, "--interface", "lo",
                "--group", group, "--start-delay", "300ms", "--linger", "2s", "--timeout", "40s",
                "--cache-dir", cache.toString()));
        if (sha256 != null) {
            args.addAll(List.of("--sha256", sha256));
        }
        return Cli.run(args.toArray(String[]::new));
    }

    private static String randomGroup() {
        SplittableRandom random = new SplittableRandom();
        return "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
    }

    @Test
    @Timeout(60)
    void fetchesIntoTheCacheOnceAndVerifiesInPlace() {
        Path cache = dir.resolve("cache");
        Cli.Result first = precache("pkg-1", sha, cache, randomGroup());
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("pkg-1: cached " + cache.resolve("pkg-1")), first.out());
        assertTrue(first.out().contains("(3.0 MiB, SHA-256 " + sha + ", as the task expects)"), first.out());
        assertEquals(LENGTH, served.get(), "fetched once");
        assertTrue(Files.isDirectory(cache.resolve("pkg-1")), "cached under the task id");
        assertFalse(Files.exists(dir.resolve("pkg.bin")), "placed nowhere else");

        Cli.Result second = precache("pkg-1", sha, cache, randomGroup());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("from the origin 0 B"), "nothing fetched again: " + second.out());
        assertEquals(LENGTH, served.get());

        // An agent given the same task and cache finds every block there.
        Path placed = dir.resolve("placed.bin");
        Cli.Result agent = Cli.run("agent", "--task", "pkg-1", "--url", url, "--out", placed.toString(), "--interface",
                "lo", "--group", randomGroup(), "--start-delay", "300ms", "--linger", "2s", "--timeout", "40s",
                "--sha256", sha, "--cache-dir", cache.toString());
        assertEquals(0, agent.exitCode(), agent.err());
        assertTrue(agent.out().contains("from the origin 0 B"), agent.out());
        assertEquals(LENGTH, served.get(), "the origin served the package once in all");
    }

    @Test
    @Timeout(90)
    void devicesPrecachingTogetherCostTheOriginOneDownload() throws Exception {
        String group = randomGroup();
        List<CompletableFuture<Cli.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path cache = dir.resolve("cache" + i);
            runs.add(CompletableFuture.supplyAsync(() -> precache("pkg-4", sha, cache, group)));
        }
        int representatives = 0;
        for (int i = 0; i < 3; i++) {
            Cli.Result result = runs.get(i).get(80, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("pkg-4: cached " + dir.resolve("cache" + i).resolve("pkg-4")), result.out());
            if (result.out().contains(" as representative;")) {
                representatives++;
            }
        }
        assertEquals(1, representatives, "one representative");
        assertEquals(LENGTH, served.get(), "three devices pre-cached the package; the origin served it once");
    }

    @Test
    @Timeout(60)
    void aMismatchingHashDiscardsTheCachedCopy() throws Exception {
        Path cache = dir.resolve("cache");
        Cli.Result result = precache("pkg-2", "00".repeat(32), cache, randomGroup());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        // Progress lines come first; the failure is the one last line.
        String last = result.errLines().get(result.errLines().size() - 1);
        assertTrue(last.startsWith("subnetcast precache: task 'pkg-2': package SHA-256 is " + sha
                + " but the task expects " + "00".repeat(32) + "; the cached copy was discarded"), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        try (Stream<Path> files = Files.list(cache.resolve("pkg-2"))) {
            long kept = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith("content"))
                    .mapToLong(f -> f.toFile().length()).sum();
            assertEquals(0, kept, "discarded");
        }
    }

    @Test
    void unreachableOrigin() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Cli.Result result = Cli.run("precache", "--task", "pkg-3", "--url", "http://127.0.0.1:" + closedPort + "/pkg.bin",
                "--interface", "lo", "--group", randomGroup(), "--start-delay", "300ms", "--timeout", "40s",
                "--cache-dir", dir.resolve("cache").toString());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        // Progress lines come first; the failure is the one last line, without a stack trace.
        String last = result.errLines().get(result.errLines().size() - 1);
        assertTrue(last.startsWith("subnetcast precache: ") && last.contains("Connection refused"), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }

    @Test
    void badInput() {
        Cli.run("precache", "--task", "pkg", "--url", "http//x", "--interface", "lo", "--cache-dir", dir.toString())
                .assertOneLineError("--url");
        Cli.run("precache", "--task", "pkg", "--url", url, "--interface", "lo", "--sha256", "12", "--cache-dir",
                dir.toString()).assertOneLineError("a SHA-256 is 64 hexadecimal digits");
        Cli.run("precache", "--task", ".hidden", "--url", url, "--interface", "lo").assertOneLineError("task id");
        Cli.run("precache", "--task", "pkg", "--url", url, "--interface", "nosuch0", "--cache-dir", dir.toString())
                .assertOneLineError("unknown network interface 'nosuch0'");
    }
}
