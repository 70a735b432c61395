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
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.RolloutPlan;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import io.subnetcast.deploy.rollout.Offer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentStoreTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long S = 1000;

    static Deployment deployment(String id, String version, String waves, Set<String> pilot, long at) {
        Release release = Release.of("app", Version.parse(version), List.of(
                Artifact.parse("windows=http://origin/app-" + version + ".msi#" + "a".repeat(64)),
                Artifact.parse("macos=http://origin/app-" + version + ".pkg#" + "b".repeat(64))
                        .withManifest("macos=http://origin/app.manifest#" + "c".repeat(64))));
        return Deployment.start(id, release, new RolloutPlan(pilot, Wave.parseList(waves), 0, null, null), at);
    }

    @Test
    void aDeploymentRoundTripsAndLatestOnlySupersedesAndRefusesOlder(@TempDir Path dir) throws Exception {
        DeploymentStore store = DeploymentStore.openSqlite(dir);
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

    @Test
    void pollsOfferByWavePausesHoldAndReportsCount(@TempDir Path dir) throws Exception {
        DeploymentStore store = DeploymentStore.openSqlite(dir);
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
