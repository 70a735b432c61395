package io.subnetcast.deploy.model;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a release reaches the fleet: the pilot devices first, then the waves, with an optional gate
 * between waves, an optional halt rule, and a retry rule per platform.
 *
 * @param pilot device ids offered the release at once, at most {@value #MAX_PILOT}
 * @param waves cumulative shares of the rest of the fleet with their start times; the last is 100%
 * @param successGatePercent a wave opens only when at least this share of the wave before it (the
 *     pilot before the first) installed; 0 for no gate
 * @param haltRule pauses the deployment on failures, or null
 * @param retry the retry rule of each platform
 */
public record RolloutPlan(Set<String> pilot, List<Wave> waves, int successGatePercent, HaltRule haltRule,
                          Map<Platform, RetryRule> retry) {
    /** Most pilot devices. */
    public static final int MAX_PILOT = 100;

    /** @throws InvalidInputException when a part is out of range */
    public RolloutPlan {
        pilot = pilot == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(pilot));
        if (pilot.size() > MAX_PILOT) {
            throw new InvalidInputException("a pilot group has at most " + MAX_PILOT + " devices, not " + pilot.size());
        }
        pilot.forEach(id -> Inputs.name("pilot device id", id));
        Wave.checkOrder(waves == null ? List.of() : waves);
        waves = List.copyOf(waves);
        if (successGatePercent < 0 || successGatePercent > 100) {
            throw new InvalidInputException("a success gate is 1-100%, not " + successGatePercent + "%");
        }
        Map<Platform, RetryRule> rules = new EnumMap<>(Platform.class);
        for (Platform p : Platform.values()) {
            rules.put(p, retry != null && retry.containsKey(p) ? retry.get(p) : RetryRule.defaultFor(p));
        }
        retry = Map.copyOf(rules);
    }

    /** @return a plan that offers the release to everyone at once, with the default retry rules */
    public static RolloutPlan everyoneNow() {
        return new RolloutPlan(Set.of(), List.of(new Wave(100, Duration.ZERO)), 0, null, null);
    }

    /** @return the retry rule of {@code platform} */
    public RetryRule retryFor(Platform platform) {
        return retry.get(platform);
    }
}
