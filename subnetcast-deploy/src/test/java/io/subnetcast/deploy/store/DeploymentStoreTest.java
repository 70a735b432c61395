package io.subnetcast.deploy.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.HaltRule;
import io.subnetcast.deploy.model.Inputs;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.RolloutPlan;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import io.subnetcast.deploy.rollout.Offer;
import io.subnetcast.deploy.rollout.Rollout;
import io.subnetcast.deploy.store.TestDatabase.Kind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DeploymentStoreTest {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentStoreTest.class);
    private static final long T0 = 1_800_000_000_000L;
    private static final long S = 1000;

    static Deployment deployment(String id, String version, String waves, Set<String> pilot, long at) {
        Release release = Release.of("app", Version.parse(version), List.of(
                Artifact.parse("windows=http://origin/app-" + version + ".msi#" + "a".repeat(64)),
                Artifact.parse("macos=http://origin/app-" + version + ".pkg#" + "b".repeat(64))
                        .withManifest("macos=http://origin/app.manifest#" + "c".repeat(64))));
        return Deployment.start(id, release, new RolloutPlan(pilot, Wave.parseList(waves), 0, null, null), at);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aDeploymentRoundTripsAndLatestOnlySupersedesAndRefusesOlder(Kind kind, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, dir); DeploymentStore store = db.open()) {
            roundTripsAndLatestOnly(store);
        }
    }

    private static void roundTripsAndLatestOnly(DeploymentStore store) throws Exception {
        Deployment first = deployment("app-1", "1.0", "20%@+1500ms,100%@+1d", Set.of("pilot-1"), T0);
        store.create(first);
        assertEquals(first, store.latest("app"));
        store.create(deployment("app-2", "2.0", "100%@+0s", Set.of(), T0 + S));
        assertEquals(DeploymentState.SUPERSEDED, store.find("app", Version.parse("1.0")).state());
        assertEquals("2.0", store.latest("app").release().version().text());
        InvalidInputException older = assertThrows(InvalidInputException.class,
                () -> store.create(deployment("app-3", "1.5", "100%@+0s", Set.of(), T0 + 2 * S)));
        assertTrue(older.getMessage().contains("not newer than 2.0"), older.getMessage());
        assertThrows(InvalidInputException.class, () -> store.create(deployment("app-2", "3.0", "100%@+0s", Set.of(), T0)));
        assertThrows(InvalidInputException.class, () -> store.pauseOrResume("nothing", true, T0));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void pollsOfferByWavePausesHoldAndReportsCount(Kind kind, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, dir); DeploymentStore store = db.open()) {
            pollsAndReports(store);
        }
    }

    private static void pollsAndReports(DeploymentStore store) throws Exception {
        store.create(deployment("app-1", "1.0", "100%@+10s", Set.of("pilot-1"), T0));
        assertEquals(Offer.Kind.INSTALL, store.poll("pilot-1", Platform.MACOS, "app", null, T0 + S).offer().kind());
        assertEquals(Offer.Kind.NOTHING, store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + S).offer().kind());
        assertEquals(Offer.Kind.NOTHING, store.poll("dev-3", Platform.LINUX, "app", null, T0 + S).offer().kind(),
                "no linux artifact");
        store.report("app-1", "pilot-1", DeviceState.DOWNLOADING, 1, "", T0 + 2 * S);
        store.pauseOrResume("app", true, T0 + 3 * S);
        assertEquals(Offer.Kind.HOLD, store.poll("pilot-1", Platform.MACOS, "app", null, T0 + 4 * S).offer().kind());
        assertEquals(Offer.Kind.NOTHING, store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + 30 * S).offer().kind(),
                "the wave's time passed while paused: paused time does not count");
        store.pauseOrResume("app", false, T0 + 30 * S);
        assertEquals(Offer.Kind.NOTHING, store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + 35 * S).offer().kind());
        Offer open = store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + 38 * S).offer();
        assertEquals(Offer.Kind.INSTALL, open.kind());
        assertEquals("http://origin/app-1.0.msi", open.artifact().url().toString());
        store.report("app-1", "dev-2", DeviceState.FAILED, 1, "exit status 1", T0 + 40 * S);
        assertEquals(Offer.Kind.NOTHING, store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + 90 * S).offer().kind(),
                "windows does not retry");
        store.report("app-1", "pilot-1", DeviceState.INSTALLED, 1, "", T0 + 41 * S);
        assertEquals(Offer.Kind.NOTHING, store.poll("pilot-1", Platform.MACOS, "app", Version.parse("1.0"), T0 + 42 * S)
                .offer().kind());
        Map<Platform, Map<DeviceState, Integer>> progress = store.progress("app-1");
        assertEquals(Map.of(DeviceState.INSTALLED, 1), progress.get(Platform.MACOS));
        assertEquals(Map.of(DeviceState.FAILED, 1), progress.get(Platform.WINDOWS));
        assertEquals(DeploymentState.COMPLETED, store.latest("app").state(), "every device is done");
        assertThrows(InvalidInputException.class, () -> store.report("app-1", "stranger", DeviceState.INSTALLED, 1, "", T0));
        store.create(deployment("app-2", "2.0", "100%@+0s", Set.of(), T0 + 100 * S));
        Offer next = store.poll("dev-2", Platform.WINDOWS, "app", null, T0 + 101 * S).offer();
        assertEquals(Offer.Kind.INSTALL, next.kind(), "a newer release reaches the failed windows device");
        assertEquals("http://origin/app-2.0.msi", next.artifact().url().toString());
    }

    /** The columns hold the longest values the model accepts (PostgreSQL enforces their widths, SQLite does not). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void theLongestAcceptedValuesFit(Kind kind, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, dir); DeploymentStore store = db.open()) {
            String product = "p".repeat(64);
            String device = "d".repeat(64);
            String url = "http://origin/" + "u".repeat(Inputs.MAX_URL_LENGTH - 14);
            Version version = Version.parse("123456789.123456789.123456789.123456789-" + "r".repeat(40));
            Set<String> pilot = new LinkedHashSet<>();
            for (int i = 0; i < RolloutPlan.MAX_PILOT; i++) {
                pilot.add(String.format("%064d", i));
            }
            Release release = Release.of(product, version, List.of(Artifact.parse("linux=" + url + "#" + "e".repeat(64))
                    .withManifest("linux=" + url + "#" + "f".repeat(64))));
            Deployment d = Deployment.start("i".repeat(64), release, new RolloutPlan(pilot, Wave.parseList("100%@+0s"),
                    0, null, null), T0).withSessionKey("0".repeat(64));
            store.create(d);
            assertEquals(d, store.latest(product));
            assertEquals(Offer.Kind.INSTALL, store.poll(device, Platform.LINUX, product, null, T0).offer().kind());
            store.report(d.id(), device, DeviceState.FAILED, 1, "x".repeat(600), T0);
            assertEquals(500, store.devices(d.id()).get(0).reason().length(), "a reason is kept to 500 characters");
            store.report(d.id(), device, DeviceState.INSTALLED, 2, "", T0);
            assertEquals(DeviceState.INSTALLED, store.devices(d.id()).get(0).state());
        }
    }

    @Test
    void openRefusesOtherDatabasesWithoutEchoingTheUrl() {
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> DeploymentStore.open("jdbc:mysql://db.example/deployments?password=hunter2", "u", "p"));
        assertEquals("database URL must start with jdbc:sqlite: or jdbc:postgresql:, not 'jdbc:mysql:'", refused.getMessage());
        assertThrows(InvalidInputException.class, () -> DeploymentStore.open("deployments.db", null, null));
    }

    /**
     * Two stores on one PostgreSQL database, as two server instances. Eight threads, four on each
     * store, drive the same devices in lock step, so each poll and report arrives at both instances
     * at once, together with three other devices'. Nothing is lost, and the decisions that depend on
     * every device's record are made on all of them: the pilot's gate (the wave opens when the last
     * pilot device installs) and the halt rule (it trips at the last of eight failures, and says so).
     */
    @Test
    void twoInstancesSharingPostgresqlLoseNothingAndDecideOnFreshState(@TempDir Path dir) throws Exception {
        int devices = 8;
        Set<String> pilot = new LinkedHashSet<>();
        for (int i = 0; i < devices; i++) {
            pilot.add("p-" + i);
        }
        try (TestDatabase db = TestDatabase.create(Kind.POSTGRESQL, dir); DeploymentStore a = db.open();
                DeploymentStore b = db.open()) {
            a.create(Deployment.start("app-1", windowsRelease("app"),
                    new RolloutPlan(pilot, Wave.parseList("100%@+0s"), 100, null, null), T0));
            b.create(Deployment.start("tool-1", windowsRelease("tool"),
                    new RolloutPlan(Set.of(), Wave.parseList("100%@+0s"), 0, new HaltRule(50, devices), null), T0));
            long now = T0 + S; // one instant for every call: the decisions depend on the records alone
            int pairs = 4; // of threads, one on each store, that drive the same devices
            ExecutorService threads = Executors.newFixedThreadPool(2 * pairs);
            CyclicBarrier steps = new CyclicBarrier(2 * pairs); // every step's operations collide
            List<Throwable> failures = new ArrayList<>();
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < 2 * pairs; t++) {
                    DeploymentStore store = t % 2 == 0 ? a : b;
                    int first = t / 2 * (devices / pairs);
                    runs.add(threads.submit(() -> {
                        try {
                            for (int i = first; i < first + devices / pairs; i++) {
                                String p = "p-" + i;
                                String w = "w-" + i;
                                String tool = "t-" + i;
                                inStep(steps, () -> store.poll(p, Platform.WINDOWS, "app", null, now));
                                inStep(steps, () -> store.poll(w, Platform.WINDOWS, "app", null, now));
                                inStep(steps, () -> store.poll(tool, Platform.WINDOWS, "tool", null, now));
                                inStep(steps, () -> store.report("app-1", p, DeviceState.DOWNLOADING, 1, "", now));
                                inStep(steps, () -> store.report("tool-1", tool, DeviceState.FAILED, 1, "exit 1", now));
                                inStep(steps, () -> store.report("app-1", p, DeviceState.INSTALLED, 1, "", now));
                            }
                        } catch (Exception e) {
                            steps.reset(); // the other threads stop at their next step
                            throw e;
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    try {
                        run.get(60, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                    }
                }
            } finally {
                threads.shutdownNow();
            }
            failures.sort(Comparator.comparing(f -> f instanceof BrokenBarrierException)); // the cause first
            if (!failures.isEmpty()) {
                throw new AssertionError("an operation failed", failures.get(0));
            }
            LOG.info("{} serialization failures run again", a.retries() + b.retries());

            Deployment app = a.latest("app");
            List<DeviceRecord> appDevices = a.devices("app-1");
            assertEquals(2 * devices, appDevices.size(), "every device that asked has its record: " + appDevices);
            for (DeviceRecord r : appDevices) {
                assertTrue(r.deviceId().startsWith("w-") || r.state() == DeviceState.INSTALLED, r.toString());
            }
            assertEquals(1, app.openWaves(), "the last pilot install saw the whole pilot and opened the wave");
            assertEquals(app, Rollout.advance(app, appDevices, now), "no decision is left over");
            assertEquals(Offer.Kind.INSTALL, b.poll("w-0", Platform.WINDOWS, "app", null, now).offer().kind());

            Deployment tool = b.latest("tool");
            assertEquals(DeploymentState.HALTED, tool.state(), tool.reason());
            assertTrue(tool.reason().contains(devices + " of " + devices + " install attempts failed"), tool.reason());
            List<DeviceRecord> toolDevices = a.devices("tool-1");
            assertEquals(devices, toolDevices.size());
            for (DeviceRecord r : toolDevices) {
                assertEquals(DeviceState.FAILED, r.state(), r.toString());
                assertEquals(1, r.failures(), r.toString());
            }
        }
    }

    /** Waits for the other threads, then runs {@code operation}. */
    private static void inStep(CyclicBarrier steps, Operation operation) throws Exception {
        steps.await(30, TimeUnit.SECONDS);
        operation.run();
    }

    /** A store call. */
    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    private static Release windowsRelease(String product) {
        return Release.of(product, Version.parse("1.0"), List.of(Artifact.parse("windows=http://origin/" + product + ".msi#"
                + "a".repeat(64))));
    }

    /**
     * A writer process is killed with SIGKILL in the middle of its work; every write it saw
     * committed is there when the store is opened again.
     */
    @Test
    void nothingCommittedIsLostWhenTheProcessIsKilled(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString());
        pb.redirectErrorStream(true);
        Process writer = pb.start();
        List<String> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acked.add(line.substring(6));
                    if (acked.size() == 40) {
                        writer.destroyForcibly(); // SIGKILL on Linux
                        break;
                    }
                }
            }
        } finally {
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(40, acked.size(), "the writer reported its commits");
        DeploymentStore reopened = DeploymentStore.openSqlite(dir);
        List<DeviceRecord> records = reopened.devices("app-1");
        for (String device : acked) {
            DeviceRecord r = records.stream().filter(x -> x.deviceId().equals(device)).findFirst().orElse(null);
            assertNotNull(r, device + " was acknowledged but is gone");
            assertEquals(DeviceState.INSTALLED, r.state(), device);
        }
    }

    /** The process {@link #nothingCommittedIsLostWhenTheProcessIsKilled} kills: installs devices until killed. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            DeploymentStore store = DeploymentStore.openSqlite(Path.of(args[0]));
            store.create(deployment("app-1", "1.0", "100%@+0s", Set.of(), T0));
            for (int i = 0; i < 100_000; i++) { // bounded; the test kills it long before
                String device = "dev-" + i;
                store.poll(device, Platform.MACOS, "app", null, T0 + i);
                store.report("app-1", device, DeviceState.INSTALLED, 1, "", T0 + i);
                System.out.println("acked " + device);
                System.out.flush();
            }
        }
    }
}
