package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.deploy.server.ApiTokens;
import io.subnetcast.deploy.server.DeploymentApi;
import io.subnetcast.deploy.server.DeploymentServer;
import io.subnetcast.deploy.store.DeploymentStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent daemons in this JVM on interface {@code lo}, a deployment server and the project's
 * origin on loopback: a pilot installs first, a pause holds the wave past its time and a resume lets
 * it come, a Windows device whose install
 * fails is not retried while a macOS device retries and succeeds, the wave gets the package from the
 * pilot (which keeps serving what it installed) and not from the origin, a restarted daemon does not
 * install again, and a newer release reaches every device, the failed Windows one included.
 */
class AgentDaemonTest {
    private static final String ADMIN = "admin-token-daemon-test";
    private static final String FLEET = "fleet-token-daemon-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void pilotThenWaveRetryRulesRestartAndANewerRelease() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Map<String, String> sha = new HashMap<>();
        for (String version : new String[] {"1.0", "2.0"}) {
            byte[] content = new byte[1 << 20];
            new SplittableRandom(version.hashCode()).nextBytes(content);
            Files.write(www.resolve("app-" + version + ".bin"), content);
            sha.put(version, BlockHashes.toHex(BlockHashes.newSha256().digest(content)));
        }
        Path script = Files.writeString(dir.resolve("install.sh"), String.join("\n",
                "dev=$1; file=$2",
                "echo \"$SUBNETCAST_PRODUCT $SUBNETCAST_VERSION $(wc -c < \"$file\")\" >> \"" + dir + "/$dev.installs\"",
                "case \"$dev\" in",
                "  dev-win) [ \"$SUBNETCAST_VERSION\" = 1.0 ] && exit 1 ;;",
                "  dev-mac) [ -e \"" + dir + "/mac-failed-once\" ] || { touch \"" + dir + "/mac-failed-once\"; exit 1; } ;;",
                "esac",
                "exit 0", ""));
        Path adminToken = Files.writeString(dir.resolve("admin"), ADMIN);
        Path fleetToken = Files.writeString(dir.resolve("fleet"), FLEET);
        SplittableRandom random = new SplittableRandom();
        String group = "239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)) + ":"
                + (20_000 + 2 * random.nextInt(10_000));
        AtomicLong originBytes = new AtomicLong();
        DeploymentApi api = new DeploymentApi(DeploymentStore.openSqlite(dir.resolve("server")), new ApiTokens(ADMIN, FLEET),
                System::currentTimeMillis);
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build();
             DeploymentServer server = DeploymentServer.start(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String originUrl = "http://127.0.0.1:" + origin.start().getPort() + "/";
            String serverUrl = "http://127.0.0.1:" + server.address().getPort();
            ServerClient admin = new ServerClient(URI.create(serverUrl), adminToken);
            admin.call("POST", "/api/deployments", JSON.readTree("{\"product\":\"app\",\"version\":\"1.0\",\"pilot\":[\"dev-lin\"],"
                    + "\"waves\":\"100%@+8s\",\"artifacts\":" + artifacts(originUrl, "1.0", sha) + "}"));
            Map<String, Daemon> daemons = new HashMap<>();
            String[][] devices = {{"dev-lin", "linux"}, {"dev-win", "windows"}, {"dev-mac", "macos"}};
            for (String[] d : devices) {
                daemons.put(d[0], Daemon.start(d[0], d[1], serverUrl, fleetToken, script, group, dir));
            }
            await(() -> installs("dev-lin").size() == 1, "the pilot installs 1.0");
            long pilotInstalledAt = System.currentTimeMillis();
            JsonNode status = admin.call("GET", "/api/products/app/status", null);
            assertEquals(0, status.get("openWaves").asInt(), "the wave is not open yet: " + status);
            assertEquals(List.of(), installs("dev-win"), "no device installs before its wave");
            assertEquals(List.of(), installs("dev-mac"), "no device installs before its wave");

            // A pause before the wave: its time passes, no device installs; resume and the wave comes.
            admin.call("POST", "/api/products/app/pause", null);
            long pausedAt = System.currentTimeMillis();
            Thread.sleep(6000);
            assertEquals(List.of(), installs("dev-win"), "paused: no new install although the wave's time passed");
            assertEquals(List.of(), installs("dev-mac"), "paused: no new install although the wave's time passed");
            admin.call("POST", "/api/products/app/resume", null);
            long resumedAt = System.currentTimeMillis();
            System.out.println("AgentDaemonTest: paused for " + (resumedAt - pausedAt) + " ms without a new install");

            await(() -> installs("dev-win").size() == 1 && installs("dev-mac").size() == 2, "the wave: win fails, mac retries");
            assertTrue(System.currentTimeMillis() - pilotInstalledAt > 1000, "the wave came after the pilot");
            await(() -> count(admin, "macos", "installed") == 1 && count(admin, "windows", "failed") == 1, "reports arrive");
            long afterWave = originBytes.get();
            System.out.println("AgentDaemonTest: the origin served " + afterWave + " bytes for 1.0 (pilot, then a wave of 2)");
            assertTrue(afterWave < (1 << 20) + 65_536, "the pilot serves the wave from its cache: the origin served "
                    + afterWave + " bytes for one 1 MiB package");
            Thread.sleep(3000);
            assertEquals(1, installs("dev-win").size(), "windows does not retry a failed version");
            assertEquals(List.of("app 1.0 1048576"), installs("dev-lin"));

            daemons.get("dev-lin").stop();
            daemons.put("dev-lin", Daemon.start("dev-lin", "linux", serverUrl, fleetToken, script, group, dir));
            Thread.sleep(2000);
            assertEquals(1, installs("dev-lin").size(), "a restarted daemon does not install again");

            admin.call("POST", "/api/deployments", JSON.readTree("{\"product\":\"app\",\"version\":\"2.0\","
                    + "\"artifacts\":" + artifacts(originUrl, "2.0", sha) + "}"));
            await(() -> installs("dev-win").size() == 2 && installs("dev-lin").size() == 2 && installs("dev-mac").size() == 3,
                    "2.0 reaches every device, the failed windows one included");
            await(() -> count(admin, "windows", "installed") + count(admin, "linux", "installed")
                    + count(admin, "macos", "installed") == 3, "2.0 reported installed everywhere");
            for (Daemon d : daemons.values()) {
                d.stop();
            }
            for (String[] d : devices) {
                // Only the installed version's copy is kept (the next version's basis): not 1.0's, not a failed try's.
                List<Path> copies;
                try (var files = Files.list(dir.resolve("state-" + d[0]).resolve("packages"))) {
                    copies = files.toList();
                }
                assertEquals(1, copies.size(), d[0] + " keeps " + copies);
                assertEquals(sha.get("2.0"), BlockHashes.toHex(BlockHashes.newSha256().digest(Files.readAllBytes(copies.get(0)))),
                        d[0] + ": the copy is 2.0");
            }
            // Three daemons, two versions of 1 MiB: 1.0 once (the pilot), 2.0 once or, when the daemons' polls
            // fall far apart, a little more (a newcomer that finds no holder yet fetches itself).
            System.out.println("AgentDaemonTest: the origin served " + originBytes.get() + " bytes for 2 versions of 1 MiB");
            assertTrue(originBytes.get() <= 3L << 20, "the origin served " + originBytes.get() + " bytes for 2 versions");
        }
    }

    private static String artifacts(String originUrl, String version, Map<String, String> sha) {
        StringBuilder out = new StringBuilder("[");
        for (String p : new String[] {"linux", "windows", "macos"}) {
            out.append(out.length() > 1 ? "," : "").append("{\"platform\":\"").append(p).append("\",\"url\":\"").append(originUrl)
                    .append("app-").append(version).append(".bin\",\"sha256\":\"").append(sha.get(version)).append("\"}");
        }
        return out.append("]").toString();
    }

    private List<String> installs(String device) {
        try {
            Path f = dir.resolve(device + ".installs");
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int count(ServerClient admin, String platform, String state) {
        try {
            return admin.call("GET", "/api/products/app/status", null).at("/platforms/" + platform + "/" + state).asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** One daemon run in this JVM. */
    private record Daemon(CliEnvironment environment, CompletableFuture<Cli.Result> exit) {
        static Daemon start(String device, String platform, String server, Path token, Path script, String group, Path dir) {
            CliEnvironment environment = CliEnvironment.inProcess();
            List<String> args = new ArrayList<>(List.of("agent", "--server", server, "--token-file", token.toString(),
                    "--device-id", device, "--platform", platform, "--interface", "lo",
                    "--install-command", "sh " + script + " " + device, "--poll", "300ms", "--group", group,
                    "--start-delay", "300ms", "--linger", "1s", "--rate", "200m",
                    "--state-dir", dir.resolve("state-" + device).toString(), "--cache-dir", dir.resolve("cache-" + device).toString()));
            if (!device.equals("dev-mac")) {
                args.add("--product"); // dev-mac follows every product the server deploys for macOS
                args.add("app");
            }
            return new Daemon(environment, CompletableFuture.supplyAsync(() -> Cli.run(environment, args.toArray(String[]::new))));
        }

        void stop() throws Exception {
            environment.stop().complete(null);
            Cli.Result result = exit.get(30, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.err());
            if (result.err().contains(": offered (")) {
                assertTrue(result.err().contains("joining the sealed session"), "releases are sealed by default: " + result.err());
            }
        }
    }
}
