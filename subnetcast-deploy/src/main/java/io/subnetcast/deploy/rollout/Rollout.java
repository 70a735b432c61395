package io.subnetcast.deploy.rollout;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.HaltRule;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.RetryRule;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import java.util.Collection;
import java.util.List;

/**
 * The rollout's decisions, as functions of a deployment, its devices and the time: which waves are
 * open, whether the halt rule trips, what a device is offered, and how a report changes its
 * record. No I/O and no clock: the server reads and writes the database around these calls, so
 * several server instances sharing one database decide alike.
 */
public final class Rollout {
    private Rollout() {
    }

    /**
     * Moves a running deployment on: halts it when its failures trip the halt rule, opens the waves
     * whose time has come and whose gate is passed, and marks it completed when every wave is open
     * and every device is done (and running again when a device appears that is not).
     *
     * @param deployment the deployment
     * @param devices its devices' records (every device of its platforms that asked so far)
     * @param nowMs current time (epoch ms)
     * @return the deployment, changed or not
     */
    public static Deployment advance(Deployment deployment, Collection<DeviceRecord> devices, long nowMs) {
        if (!deployment.state().offers()) {
            return deployment; // paused, halted and superseded deployments stand still
        }
        HaltRule halt = deployment.plan().haltRule();
        if (halt != null) {
            long attempts = 0;
            long failures = 0;
            for (DeviceRecord d : devices) {
                failures += d.failures();
                attempts += d.failures() + (d.state() == DeviceState.INSTALLED ? 1 : 0);
            }
            if (halt.trips(attempts, failures)) {
                return deployment.withState(DeploymentState.HALTED, "halted by its rule: " + failures + " of " + attempts
                        + " install attempts failed (the rule halts at " + halt.failurePercent() + "% after "
                        + halt.minAttempts() + ")", nowMs);
            }
        }
        List<Wave> waves = deployment.plan().waves();
        Deployment d = deployment;
        while (!d.allWavesOpen() && d.runningMs(nowMs) >= waves.get(d.openWaves()).after().toMillis()
                && gatePassed(d, devices, d.openWaves())) {
            d = d.withOpenWaves(d.openWaves() + 1);
        }
        Deployment opened = d;
        boolean done = opened.allWavesOpen() && !devices.isEmpty()
                && devices.stream().allMatch(r -> r.finished(opened.plan().retryFor(r.platform())));
        DeploymentState next = done ? DeploymentState.COMPLETED : DeploymentState.RUNNING;
        return next == opened.state() ? opened : opened.withState(next, done
                ? "every wave is open and every device is done" : "a device that is not done appeared", nowMs);
    }

    /** Whether group {@code group} (0 = pilot) installed enough for the next wave to open. */
    private static boolean gatePassed(Deployment d, Collection<DeviceRecord> devices, int group) {
        int gate = d.plan().successGatePercent();
        if (gate == 0) {
            return true;
        }
        long members = 0;
        long installed = 0;
        for (DeviceRecord r : devices) {
            if (WaveMembership.groupOf(d, r.deviceId()) == group) {
                members++;
                installed += r.state() == DeviceState.INSTALLED ? 1 : 0;
            }
        }
        return members == 0 || installed * 100 >= (long) gate * members;
    }

    /**
     * What to tell a device that asks.
     *
     * @param deployment the product's latest deployment
     * @param record the device's record in it
     * @param installed the version the device runs, or null when it runs none
     * @param nowMs current time (epoch ms)
     * @return the offer
     */
    public static Offer offer(Deployment deployment, DeviceRecord record, Version installed, long nowMs) {
        Version version = deployment.release().version();
        if (installed != null && !version.isNewerThan(installed)) {
            return Offer.nothing("runs " + installed + ", not older than " + version);
        }
        Artifact artifact = deployment.release().artifact(record.platform());
        if (artifact == null) {
            return Offer.nothing(version + " does not ship for " + record.platform().label());
        }
        if (deployment.state() == DeploymentState.SUPERSEDED) {
            return Offer.nothing(version + " was superseded");
        }
        int group = WaveMembership.groupOf(deployment, record.deviceId());
        if (group > deployment.openWaves()) {
            return Offer.nothing("in wave " + group + "; " + deployment.openWaves() + " open");
        }
        RetryRule rule = deployment.plan().retryFor(record.platform());
        if (!deployment.state().offers()) {
            boolean started = record.state() == DeviceState.OFFERED || record.state() == DeviceState.DOWNLOADING;
            return started ? new Offer(Offer.Kind.HOLD, artifact, rule, 0, "deployment " + deployment.state().label())
                    : Offer.nothing("deployment " + deployment.state().label());
        }
        if (record.state() == DeviceState.INSTALLED) {
            return Offer.nothing("installed " + version);
        }
        if (record.state() == DeviceState.FAILED) {
            if (!rule.allowsAnotherTry(record.failures())) {
                return Offer.nothing("failed " + record.failures() + " of " + rule.maxTries() + " tries of " + version
                        + "; no retry");
            }
            long at = record.updatedAtMs() + rule.backoffAfter(record.failures()).toMillis();
            return new Offer(Offer.Kind.INSTALL, artifact, rule, at, "retry " + (record.failures() + 1) + " of "
                    + rule.maxTries());
        }
        return new Offer(Offer.Kind.INSTALL, artifact, rule, 0, group == 0 ? "in the pilot" : "wave " + group + " is open");
    }

    /**
     * A device's report. An install is final; a failure counts its try; nothing else goes back.
     * Reports are idempotent: an agent that resends a report after the server was down (or whose
     * answer was lost) changes nothing the second time.
     *
     * @param record the device's record
     * @param reported what it reports
     * @param attempt which try of this version the report is about, 1-based
     * @param reason the failure's reason (ignored otherwise)
     * @param nowMs current time (epoch ms)
     * @return the new record (the same one when the report changes nothing)
     */
    public static DeviceRecord report(DeviceRecord record, DeviceState reported, int attempt, String reason, long nowMs) {
        if (attempt < 1 || attempt > 1000) {
            throw new InvalidInputException("attempt must be 1-1000, not " + attempt);
        }
        boolean repeated = reported == DeviceState.FAILED ? attempt <= record.failures()
                : reported == record.state() || attempt <= record.failures();
        if (record.state() == DeviceState.INSTALLED || reported == DeviceState.TARGETED || repeated) {
            return record;
        }
        int failures = reported == DeviceState.FAILED ? attempt : record.failures();
        String why = reported == DeviceState.FAILED ? (reason == null ? "" : reason) : record.reason();
        return new DeviceRecord(record.deviceId(), record.platform(), reported, failures, why, nowMs);
    }

    /** @return a new device's record: known, not yet offered */
    public static DeviceRecord targeted(String deviceId, Platform platform, long nowMs) {
        return new DeviceRecord(deviceId, platform, DeviceState.TARGETED, 0, "", nowMs);
    }
}
