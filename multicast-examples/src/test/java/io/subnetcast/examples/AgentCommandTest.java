package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two {@code agent} commands in this JVM on interface {@code lo}, against the project's origin on
 * 127.0.0.1: both exit 0 with their verified copy in place, one as representative (the only one
 * that touched the origin), and print the JSON summary as their last stdout line.
 */
class AgentCommandTest {
    private static final int LENGTH = 4 << 20;
    private static final Pattern ROLE = Pattern.compile("\"role\":\"(representative|receiver)\"");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "key and encryption: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(60)
    void twoAgentsOnLoopbackPlaceVerifiedCopiesAndReportJson(boolean keyed) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] content = new byte[LENGTH];
        new SplittableRandom(3).nextBytes(content);
        Files.write(www.resolve("pkg.bin"), content);
        byte[] sha = BlockHashes.newSha256().digest(content);
        AtomicLong served = new AtomicLong();
        SplittableRandom random = new SplittableRandom();
        String group = "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).requestListener(r -> served.addAndGet(r.bodyBytes())).build()) {
            String url = "http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin";
            List<CompletableFuture<Cli.Result>> runs = new ArrayList<>();
            Path keyFile = Files.writeString(dir.resolve("task.key"), "00112233445566778899aabbccddeeff\n");
            for (int i = 0; i < 2; i++) {
                List<String> args = new ArrayList<>(List.of("agent", "--task", "agent-test", "--url", url, "--out", dir.resolve("out" + i).toString(),
                    "--interface", "lo", "--sha256", BlockHashes.toHex(sha), "--group", group, "--start-delay", "500ms",
                    "--rate", "200m", "--linger", "2s", "--timeout", "45s", "--cache-dir", dir.resolve("cache" + i).toString(),
                    "--json"));
                if (keyed) {
                    args.addAll(List.of("--key-file", keyFile.toString(), "--encrypt"));
                }
                runs.add(CompletableFuture.supplyAsync(() -> Cli.run(args.toArray(String[]::new))));
            }
            int representatives = 0;
            for (int i = 0; i < 2; i++) {
                Cli.Result result = runs.get(i).get(50, TimeUnit.SECONDS);
                assertEquals(0, result.exitCode(), result.err());
                assertArrayEquals(content, Files.readAllBytes(dir.resolve("out" + i)), "copy " + i);
                String json = result.outLines().get(result.outLines().size() - 1);
                assertTrue(json.startsWith("{\"task\":\"agent-test\",\"role\":\""), json);
                assertTrue(json.contains("\"sha256\":\"" + BlockHashes.toHex(sha) + "\""), json);
                assertTrue(json.contains(",\"fallback\":\"none\",\"fallback_reason\":null,"), json); // multicast arrived
                assertTrue(json.matches(".*\"bytes_origin\":\\d+,\"bytes_multicast\":\\d+,\"bytes_repair\":\\d+,"
                        + "\"bytes_basis\":0,\"seconds\":\\d+\\.\\d{3},.*"), json);
                assertTrue(json.matches(".*\"dropped_forged\":0,\"dropped_replayed\":0,\"dropped_unauthenticated\":0}"),
                        json);
                Matcher role = ROLE.matcher(json);
                assertTrue(role.find(), json);
                if (role.group(1).equals("representative")) {
                    representatives++;
                    assertTrue(json.contains("\"bytes_origin\":" + LENGTH + ","), json);
                } else {
                    assertTrue(json.contains("\"bytes_origin\":0,"), json);
                }
                assertTrue(result.err().contains("placed " + dir.resolve("out" + i)), result.err());
            }
            assertEquals(1, representatives, "one representative");
            assertEquals(LENGTH, served.get(), "the origin served the package once");
        }
    }

    /**
     * Express-style delta through the command with its default block size: the package's trusted
     * manifest written by {@code subnetcast manifest} (delta units by default), three agents given
     * the previous version with {@code --basis}. The origin serves the manifests and about the
     * changed bytes, not the package; every copy is the new version.
     */
    @org.junit.jupiter.api.Test
    @Timeout(90)
    void agentsGivenTheOldVersionFetchOnlyWhatChangedFromTheOrigin() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        SplittableRandom random = new SplittableRandom(8);
        byte[] v1 = new byte[LENGTH];
        random.nextBytes(v1);
        byte[] v2 = new byte[LENGTH + 3000];
        int middle = LENGTH / 2 + 123;
        System.arraycopy(v1, 0, v2, 0, middle);
        System.arraycopy(v1, middle, v2, middle + 3000, LENGTH - middle); // 3,000 new bytes in the middle
        for (int edit = 0; edit < 4; edit++) {
            byte[] fresh = new byte[16 * 1024];
            random.nextBytes(fresh);
            System.arraycopy(fresh, 0, v2, 100_000 + edit * 1_000_000, fresh.length);
        }
        long newBytes = 3000 + 4 * 16 * 1024;
        Files.write(www.resolve("pkg.bin"), v2);
        Path basis = Files.write(dir.resolve("previous version.bin"), v1);
        Cli.Result manifest = Cli.run("manifest", "--file", www.resolve("pkg.bin").toString());
        assertEquals(0, manifest.exitCode(), manifest.err());
        String manifestSha = manifest.outLines().get(0).substring(0, 64);
        long manifestLength = Files.size(www.resolve("pkg.bin.manifest")) + Files.size(www.resolve("pkg.bin.manifest.units"));
        assertTrue(manifestLength < v2.length / 100, "manifest and units of " + manifestLength + " bytes");
        AtomicLong served = new AtomicLong();
        AtomicLong unitsServed = new AtomicLong();
        String group = "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).requestListener(r -> {
                    if (r.target().endsWith(".manifest.units")) {
                        unitsServed.addAndGet(r.bodyBytes());
                    } else if (!r.target().endsWith(".manifest")) {
                        served.addAndGet(r.bodyBytes());
                    }
                }).build()) {
            String url = "http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin";
            List<CompletableFuture<Cli.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String[] args = {"agent", "--task", "delta-test", "--url", url, "--out", dir.resolve("out" + i).toString(),
                    "--interface", "lo", "--sha256", BlockHashes.toHex(BlockHashes.newSha256().digest(v2)),
                    "--manifest-url", url + ".manifest", "--manifest-sha256", manifestSha, "--basis", basis.toString(),
                    "--group", group, "--start-delay", "1s", "--rate", "200m", "--linger", "2s", "--timeout", "60s",
                    "--cache-dir", dir.resolve("cache" + i).toString(), "--json"};
                runs.add(CompletableFuture.supplyAsync(() -> Cli.run(args)));
            }
            for (int i = 0; i < 3; i++) {
                Cli.Result result = runs.get(i).get(80, TimeUnit.SECONDS);
                assertEquals(0, result.exitCode(), result.err());
                assertArrayEquals(v2, Files.readAllBytes(dir.resolve("out" + i)), "copy " + i);
                String json = result.outLines().get(result.outLines().size() - 1);
                Matcher basisBytes = Pattern.compile("\"bytes_basis\":(\\d+)").matcher(json);
                assertTrue(basisBytes.find(), json);
                assertTrue(Long.parseLong(basisBytes.group(1)) >= v2.length - 4 * newBytes, json);
            }
            long packageBytes = served.get();
            System.out.printf("delta through the command: origin served %,d package bytes for %,d new bytes, and the"
                    + " delta units (%,d bytes) %.1f times%n", packageBytes, newBytes,
                    Files.size(www.resolve("pkg.bin.manifest.units")),
                    (double) unitsServed.get() / Files.size(www.resolve("pkg.bin.manifest.units")));
            assertTrue(packageBytes <= 2 * newBytes, "origin served " + packageBytes + " package bytes");
            assertEquals(Files.size(www.resolve("pkg.bin.manifest.units")), unitsServed.get(),
                    "the delta units from the origin once: members take them from their representative");
        }
    }

    /**
     * Paths as users on NTFS and APFS have them: spaces, non-ASCII letters, a long name, in the
     * output file, the cache directory and the task id's cache entry.
     */
    @org.junit.jupiter.api.Test
    @Timeout(60)
    void pathsWithSpacesNonAsciiAndLongNamesWork() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] content = new byte[300_000];
        new SplittableRandom(5).nextBytes(content);
        Files.write(www.resolve("pkg.bin"), content);
        SplittableRandom random = new SplittableRandom();
        String group = "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
        Path odd = Files.createDirectories(dir.resolve("Program Files (x86)").resolve("Ünïcödé ñame 日本")
                .resolve("l".repeat(200)));
        Path out = odd.resolve("app 2.0 – setup ✓.bin");
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).build()) {
            String url = "http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin";
            Cli.Result result = Cli.run("agent", "--task", "app-2.0_" + "x".repeat(100), "--url", url, "--out", out.toString(),
                    "--interface", "lo", "--sha256", BlockHashes.toHex(BlockHashes.newSha256().digest(content)), "--group", group,
                    "--start-delay", "200ms", "--linger", "1s", "--timeout", "40s", "--cache-dir", odd.resolve("cache dir").toString());
            assertEquals(0, result.exitCode(), result.err());
            assertArrayEquals(content, Files.readAllBytes(out));
        }
    }

    /** The command trusts the engine's whole-file check: a package that does not match is never placed. */
    @org.junit.jupiter.api.Test
    @Timeout(60)
    void aPackageThatDoesNotMatchItsSha256IsNotPlacedAndTheAgentFailsInOneLine() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.write(www.resolve("pkg.bin"), new byte[100_000]);
        String wrong = "ab".repeat(32);
        SplittableRandom random = new SplittableRandom();
        String group = "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).build()) {
            String url = "http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin";
            Path out = dir.resolve("out.bin");
            Cli.Result result = Cli.run("agent", "--task", "wrong-sha", "--url", url, "--out", out.toString(), "--interface", "lo",
                    "--sha256", wrong, "--group", group, "--start-delay", "200ms", "--linger", "1s", "--timeout", "40s",
                    "--cache-dir", dir.resolve("cache").toString());
            assertEquals(1, result.exitCode(), result.err());
            assertTrue(Files.notExists(out), "nothing placed");
            String last = result.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.contains("SHA-256") && !last.contains("\tat "), "a one-line reason: " + result.err());
        }
    }
}
