package io.subnetcast.deploy.model;

/**
 * A release on its way to the fleet, as the server stores it. Immutable: every change makes a new
 * value, so the decisions in {@code rollout} can be tested as functions.
 *
 * @param id the deployment's id, also the seed of its wave membership
 * @param release what is deployed
 * @param plan pilot, waves, gate, halt and retry rules
 * @param createdAtMs when it was created (epoch ms)
 * @param state where it stands
 * @param reason why it is in its state (who paused it, which figures halted it), may be empty
 * @param openWaves waves open so far: 0 while only the pilot is offered, {@code plan.waves().size()} when all are
 * @param pausedTotalMs time spent paused or halted before the current pause
 * @param pausedSinceMs when the current pause began, or -1 when not paused
 * @param sessionKeyHex the secret that authenticates every session of this deployment (64 hex
 *     digits), handed only to the devices it is offered to; empty for an unkeyed deployment
 */
public record Deployment(String id, Release release, RolloutPlan plan, long createdAtMs, DeploymentState state,
                         String reason, int openWaves, long pausedTotalMs, long pausedSinceMs, String sessionKeyHex) {
    /** @throws InvalidInputException for an invalid id or wave count */
    public Deployment {
        Inputs.name("deployment id", id);
        if (openWaves < 0 || openWaves > plan.waves().size()) {
            throw new IllegalArgumentException("open waves " + openWaves + " of " + plan.waves().size());
        }
        reason = reason == null ? "" : reason;
        sessionKeyHex = sessionKeyHex == null ? "" : sessionKeyHex;
        if (!sessionKeyHex.isEmpty() && !sessionKeyHex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a session key is 64 lower-case hex digits");
        }
    }

    /** @return a new unkeyed deployment, running, with only its pilot offered */
    public static Deployment start(String id, Release release, RolloutPlan plan, long nowMs) {
        return new Deployment(id, release, plan, nowMs, DeploymentState.RUNNING, "", 0, 0, -1, "");
    }

    /** @return this deployment sealed with {@code keyHex} (64 hex digits) */
    public Deployment withSessionKey(String keyHex) {
        return new Deployment(id, release, plan, createdAtMs, state, reason, openWaves, pausedTotalMs, pausedSinceMs, keyHex);
    }

    /**
     * @param nowMs current time (epoch ms)
     * @return how long it has run, not counting time paused or halted
     */
    public long runningMs(long nowMs) {
        long end = pausedSinceMs >= 0 ? pausedSinceMs : nowMs;
        return Math.max(0, end - createdAtMs - pausedTotalMs);
    }

    /** @return this deployment in {@code next} with {@code why}, the pause clock kept right */
    public Deployment withState(DeploymentState next, String why, long nowMs) {
        boolean wasStopped = pausedSinceMs >= 0;
        boolean stops = next == DeploymentState.PAUSED || next == DeploymentState.HALTED;
        long total = pausedTotalMs;
        long since = pausedSinceMs;
        if (wasStopped && !stops) {
            total += Math.max(0, nowMs - pausedSinceMs);
            since = -1;
        } else if (!wasStopped && stops) {
            since = nowMs;
        }
        return new Deployment(id, release, plan, createdAtMs, next, why, openWaves, total, since, sessionKeyHex);
    }

    /** @return this deployment with {@code waves} open */
    public Deployment withOpenWaves(int waves) {
        return new Deployment(id, release, plan, createdAtMs, state, reason, waves, pausedTotalMs, pausedSinceMs, sessionKeyHex);
    }

    /** @return whether every wave is open */
    public boolean allWavesOpen() {
        return openWaves == plan.waves().size();
    }
}
