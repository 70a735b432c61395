package io.subnetcast.deploy.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A version of a product and what each platform installs of it.
 *
 * @param product the product's name
 * @param version the version
 * @param artifacts per platform, at least one
 */
public record Release(String product, Version version, Map<Platform, Artifact> artifacts) {
    /** @throws InvalidInputException when the product name is invalid or there is no artifact */
    public Release {
        Inputs.name("product", product);
        if (version == null || artifacts == null || artifacts.isEmpty()) {
            throw new InvalidInputException("a release needs a version and at least one --artifact");
        }
        // Platform order, the same in every process (Map.copyOf's order changes from one JVM run to the next).
        artifacts = Collections.unmodifiableMap(new EnumMap<>(artifacts));
    }

    /**
     * @param product the product
     * @param version the version
     * @param artifacts one per platform
     * @return the release
     * @throws InvalidInputException when two artifacts name the same platform
     */
    public static Release of(String product, Version version, List<Artifact> artifacts) {
        Map<Platform, Artifact> byPlatform = new EnumMap<>(Platform.class);
        for (Artifact a : artifacts) {
            if (byPlatform.put(a.platform(), a) != null) {
                throw new InvalidInputException("two artifacts for " + a.platform().label());
            }
        }
        return new Release(product, version, byPlatform);
    }

    /** @return the platform's artifact, or null when the release does not ship for it */
    public Artifact artifact(Platform platform) {
        return artifacts.get(platform);
    }
}
