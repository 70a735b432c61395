package io.subnetcast.deploy.model;

import java.net.URI;

/**
 * What one platform installs of a release: the package's URL at the origin, its SHA-256, and
 * optionally the trusted manifest (written by {@code subnetcast manifest}) with its own SHA-256.
 *
 * @param platform the platform
 * @param url the package at the origin
 * @param sha256 the package's SHA-256, lower-case hex
 * @param manifestUrl the trusted manifest, or null
 * @param manifestSha256 the manifest's SHA-256, or null when there is no manifest
 */
public record Artifact(Platform platform, URI url, String sha256, URI manifestUrl, String manifestSha256) {
    /** @throws InvalidInputException when a part is missing or the manifest's URL and hash do not come together */
    public Artifact {
        if (platform == null || url == null || sha256 == null) {
            throw new InvalidInputException("an artifact needs a platform, a URL and a SHA-256");
        }
        if ((manifestUrl == null) != (manifestSha256 == null)) {
            throw new InvalidInputException("a manifest needs both its URL and its SHA-256");
        }
    }

    /**
     * Parses the command line's {@code PLATFORM=URL#SHA256}.
     *
     * @param spec the text
     * @return the artifact, without a manifest
     */
    public static Artifact parse(String spec) {
        String[] parts = splitSpec("--artifact", spec);
        return new Artifact(Platform.parse(parts[0]), Inputs.httpUrl("artifact URL", parts[1]),
                Inputs.sha256("artifact SHA-256", parts[2]), null, null);
    }

    /** @return this artifact with the manifest given as {@code PLATFORM=URL#SHA256} (the platform must match) */
    public Artifact withManifest(String spec) {
        String[] parts = splitSpec("--manifest", spec);
        if (Platform.parse(parts[0]) != platform) {
            throw new InvalidInputException("--manifest " + parts[0] + " names another platform than its artifact");
        }
        return new Artifact(platform, url, sha256, Inputs.httpUrl("manifest URL", parts[1]),
                Inputs.sha256("manifest SHA-256", parts[2]));
    }

    /** Splits {@code PLATFORM=URL#SHA256}; the hash is after the last '#', so the URL may hold none. */
    static String[] splitSpec(String option, String spec) {
        int eq = spec == null ? -1 : spec.indexOf('=');
        int hash = spec == null ? -1 : spec.lastIndexOf('#');
        if (eq <= 0 || hash < eq + 2 || hash == spec.length() - 1) {
            throw new InvalidInputException(option + " must be PLATFORM=URL#SHA256, not '" + Inputs.printable(spec) + "'");
        }
        return new String[] {spec.substring(0, eq), spec.substring(eq + 1, hash), spec.substring(hash + 1)};
    }
}
