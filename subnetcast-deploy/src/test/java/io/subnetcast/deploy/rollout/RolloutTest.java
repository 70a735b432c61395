package io.subnetcast.deploy.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.HaltRule;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.RolloutPlan;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long S = 1000;
    private static final Release RELEASE = Release.of("app", Version.parse("2.0"), List.of(
            Artifact.parse("windows=http://origin/app.msi#" + "a".repeat(64)),
            Artifact.parse("macos=http://origin/app.pkg#" + "b".repeat(64))));

    private static Deployment deployment(String id, Set<String> pilot, String waves, int gate, HaltRule halt) {
        return Deployment.start(id, RELEASE, new RolloutPlan(pilot, Wave.parseList(waves), gate, halt, null), T0);
    }

    private static List<DeviceRecord> fleet(int n, Platform platform) {
        return IntStream.range(0, n).mapToObj(i -> Rollout.targeted("dev-" + i, platform, T0)).toList();
    }

    @Test
    void placesAreStablePerDeploymentDifferentAcrossDeploymentsAndSpreadEvenly() {
        assertEquals(WaveMembership.place("d1", "dev-1"), WaveMembership.place("d1", "dev-1"));
        int moved = 0;
        int below = 0;
        for (int i = 0; i < 10_000; i++) {
            double p = WaveMembership.place("d1", "dev-" + i);
            assertTrue(p >= 0 && p < 1);
            below += p < 0.2 ? 1 : 0;
            moved += (p < 0.2) != (WaveMembership.place("d2", "dev-" + i) < 0.2) ? 1 : 0;
        }
        assertTrue(below > 1800 && below < 2200, "20% wave holds " + below + " of 10000");
        assertTrue(moved > 2500, "the next release's first 20% is another set: " + moved + " changed");
        assertNotEquals(WaveMembership.place("ab", "c"), WaveMembership.place("a", "bc"));
    }

    @Test
    void pilotFirstThenWavesOnTheirRunningTimeAndPauseDoesNotCount() {
        Deployment d = deployment("d1", Set.of("dev-3"), "50%@+10s,100%@+20s", 0, null);
        List<DeviceRecord> devices = fleet(40, Platform.MACOS);
        d = Rollout.advance(d, devices, T0 + 1);
        assertEquals(0, d.openWaves());
        for (DeviceRecord r : devices) {
            Offer o = Rollout.offer(d, r, Version.parse("1.0"), T0 + 1);
            assertEquals(r.deviceId().equals("dev-3") ? Offer.Kind.INSTALL : Offer.Kind.NOTHING, o.kind(), r.deviceId());
        }
        d = d.withState(DeploymentState.PAUSED, "paused by admin", T0 + 5 * S);
        d = Rollout.advance(d, devices, T0 + 60 * S);
        assertEquals(0, d.openWaves(), "no wave opens while paused");
        d = d.withState(DeploymentState.RUNNING, "resumed", T0 + 60 * S); // 5 s ran, 55 s paused
        assertEquals(0, Rollout.advance(d, devices, T0 + 64 * S).openWaves());
        d = Rollout.advance(d, devices, T0 + 65 * S);
        assertEquals(1, d.openWaves());
        long inFirst = devices.stream().filter(r -> WaveMembership.groupOf(devicesDeployment(), r.deviceId()) == 1).count();
        Deployment open1 = d;
        long offered = devices.stream().filter(r -> Rollout.offer(open1, r, null, T0 + 65 * S).kind() == Offer.Kind.INSTALL).count();
        assertEquals(inFirst + (WaveMembership.groupOf(devicesDeployment(), "dev-3") == 0 ? 1 : 0), offered);
        assertTrue(offered > 5 && offered < 35, offered + " of 40 in the pilot and the 50% wave");
        d = Rollout.advance(d, devices, T0 + 75 * S);
        assertEquals(2, d.openWaves());
        assertEquals(DeploymentState.RUNNING, d.state(), "devices still have to install");
    }

    private static Deployment devicesDeployment() {
        return deployment("d1", Set.of("dev-3"), "50%@+10s,100%@+20s", 0, null);
    }

    @Test
    void aGateHoldsTheNextWaveUntilEnoughOfThePreviousInstalled() {
        Deployment d = deployment("d2", Set.of("p1", "p2"), "100%@+1s", 50, null);
        List<DeviceRecord> devices = new ArrayList<>(fleet(10, Platform.LINUX));
        devices.add(Rollout.targeted("p1", Platform.LINUX, T0));
        devices.add(Rollout.targeted("p2", Platform.LINUX, T0));
        assertEquals(0, Rollout.advance(d, devices, T0 + 30 * S).openWaves(), "pilot has not installed");
        devices.set(10, Rollout.report(devices.get(10), DeviceState.INSTALLED, 1, "", T0 + 31 * S));
        assertEquals(1, Rollout.advance(d, devices, T0 + 32 * S).openWaves(), "1 of 2 pilots is 50%");
    }

    @Test
    void theHaltRuleTripsOnlyAfterItsMinimumAttempts() {
        List<DeviceRecord> devices = new ArrayList<>(fleet(6, Platform.MACOS));
        Deployment d = Rollout.advance(deployment("d3", Set.of(), "100%@+0s", 0, new HaltRule(30, 4)), devices, T0);
        assertEquals(1, d.openWaves());
        devices.set(0, Rollout.report(devices.get(0), DeviceState.FAILED, 1, "exit 3", T0 + S));
        devices.set(1, Rollout.report(devices.get(1), DeviceState.FAILED, 1, "exit 3", T0 + S));
        assertEquals(DeploymentState.RUNNING, Rollout.advance(d, devices, T0 + 2 * S).state(), "2 attempts < 4");
        devices.set(2, Rollout.report(devices.get(2), DeviceState.INSTALLED, 1, "", T0 + S));
        devices.set(3, Rollout.report(devices.get(3), DeviceState.INSTALLED, 1, "", T0 + S));
        Deployment halted = Rollout.advance(d, devices, T0 + 3 * S);
        assertEquals(DeploymentState.HALTED, halted.state());
        assertTrue(halted.reason().contains("2 of 4"), halted.reason());
        DeviceRecord started = Rollout.report(devices.get(4), DeviceState.DOWNLOADING, 1, "", T0 + S);
        assertEquals(Offer.Kind.HOLD, Rollout.offer(halted, started, null, T0 + 4 * S).kind(), "a running session pauses");
        assertEquals(Offer.Kind.NOTHING, Rollout.offer(halted, devices.get(5), null, T0 + 4 * S).kind(), "nothing new starts");
    }

    @Test
    void windowsDoesNotRetryAFailedVersionAndMacOsRetriesWithBackoff() {
        Deployment d = Rollout.advance(deployment("d4", Set.of(), "100%@+0s", 0, null), List.of(), T0);
        DeviceRecord win = Rollout.report(Rollout.targeted("w", Platform.WINDOWS, T0), DeviceState.FAILED, 1, "exit 1", T0 + S);
        Offer o = Rollout.offer(d, win, Version.parse("1.0"), T0 + 100 * S);
        assertEquals(Offer.Kind.NOTHING, o.kind());
        assertTrue(o.why().contains("no retry"), o.why());
        DeviceRecord mac = Rollout.report(Rollout.targeted("m", Platform.MACOS, T0), DeviceState.FAILED, 1, "exit 1", T0 + S);
        Offer retry = Rollout.offer(d, mac, Version.parse("1.0"), T0 + 2 * S);
        assertEquals(Offer.Kind.INSTALL, retry.kind());
        assertEquals(T0 + 11 * S, retry.notBeforeMs());
        for (int attempt = 2; attempt <= 5; attempt++) {
            mac = Rollout.report(mac, DeviceState.FAILED, attempt, "exit 1", T0 + attempt * S);
        }
        assertEquals(Offer.Kind.NOTHING, Rollout.offer(d, mac, null, T0 + 1000 * S).kind(), "5 tries used");
        assertTrue(mac.finished(d.plan().retryFor(Platform.MACOS)));
    }

    @Test
    void reportsAreIdempotentAndAnInstallIsFinal() {
        DeviceRecord r = Rollout.targeted("m", Platform.MACOS, T0);
        DeviceRecord failed = Rollout.report(r, DeviceState.FAILED, 1, "exit 1", T0 + S);
        assertSame(failed, Rollout.report(failed, DeviceState.FAILED, 1, "exit 1", T0 + 2 * S), "resent report");
        assertSame(failed, Rollout.report(failed, DeviceState.DOWNLOADING, 1, "", T0 + 2 * S), "stale try-1 report");
        DeviceRecord second = Rollout.report(failed, DeviceState.DOWNLOADING, 2, "", T0 + 3 * S);
        assertEquals(DeviceState.DOWNLOADING, second.state());
        DeviceRecord installed = Rollout.report(second, DeviceState.INSTALLED, 2, "", T0 + 4 * S);
        assertSame(installed, Rollout.report(installed, DeviceState.FAILED, 3, "late", T0 + 5 * S));
        assertEquals(1, installed.failures());
    }

    @Test
    void latestOnlyNeverOffersWhatIsNotNewerAndSupersededOffersNothing() {
        Deployment d = Rollout.advance(deployment("d5", Set.of(), "100%@+0s", 0, null), List.of(), T0);
        DeviceRecord r = Rollout.targeted("w", Platform.WINDOWS, T0);
        assertEquals(Offer.Kind.NOTHING, Rollout.offer(d, r, Version.parse("2.0"), T0).kind());
        assertEquals(Offer.Kind.NOTHING, Rollout.offer(d, r, Version.parse("2.1"), T0).kind());
        assertEquals(Offer.Kind.INSTALL, Rollout.offer(d, r, Version.parse("0.9"), T0).kind(), "several behind: straight here");
        Deployment old = d.withState(DeploymentState.SUPERSEDED, "3.0 released", T0);
        assertEquals(Offer.Kind.NOTHING, Rollout.offer(old, r, Version.parse("1.0"), T0).kind());
        DeviceRecord linux = Rollout.targeted("l", Platform.LINUX, T0);
        assertTrue(Rollout.offer(d, linux, null, T0).why().contains("does not ship for linux"));
    }

    @Test
    void completesWhenEveryWaveIsOpenAndEveryDeviceIsDone() {
        Deployment d = deployment("d6", Set.of(), "100%@+0s", 0, null);
        List<DeviceRecord> devices = new ArrayList<>(List.of(
                Rollout.targeted("w", Platform.WINDOWS, T0), Rollout.targeted("m", Platform.MACOS, T0)));
        assertEquals(DeploymentState.RUNNING, Rollout.advance(d, devices, T0).state());
        devices.set(0, Rollout.report(devices.get(0), DeviceState.FAILED, 1, "exit 1", T0 + S)); // no retry on Windows
        devices.set(1, Rollout.report(devices.get(1), DeviceState.INSTALLED, 1, "", T0 + S));
        Deployment done = Rollout.advance(d, devices, T0 + 2 * S);
        assertEquals(DeploymentState.COMPLETED, done.state());
        DeviceRecord late = Rollout.targeted("late", Platform.MACOS, T0);
        assertEquals(Offer.Kind.INSTALL, Rollout.offer(done, late, null, T0).kind(), "a device that appears later gets it");
        devices.add(late);
        assertEquals(DeploymentState.RUNNING, Rollout.advance(done, devices, T0 + 3 * S).state());
        assertEquals(DeploymentState.RUNNING, Rollout.advance(d, List.of(), T0).state(), "no device is not done");
    }
}
