package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.CacheNames;
import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a distribution task asks for: a package at an origin URL, optionally with its SHA-256.
 *
 * @param taskId the task's id, unique per package version; validated as a cache name
 * @param origin http or https URL of the package
 * @param sha256 the package's 32-byte SHA-256, or null when the task does not name one
 * @param priority election priority: higher makes this agent a likelier representative
 * @param manifest URL of the task's trusted manifest, or null (see {@link io.subnetcast.core.cache.TrustedManifest})
 * @param manifestSha256 the trusted manifest's SHA-256; required with {@code manifest}
 */
public record TaskSpec(String taskId, URI origin, byte[] sha256, int priority, URI manifest, byte[] manifestSha256) {
    /**
     * A task without a trusted manifest.
     *
     * @param taskId the task's id
     * @param origin package URL
     * @param sha256 package SHA-256, or null
     * @param priority election priority
     */
    public TaskSpec(String taskId, URI origin, byte[] sha256, int priority) {
        this(taskId, origin, sha256, priority, null, null);
    }

    /** Checks every field. */
    public TaskSpec {
        CacheNames.requireTaskId(taskId);
        Objects.requireNonNull(origin, "origin");
        String scheme = origin.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || origin.getHost() == null) {
            throw new IllegalArgumentException("origin must be an http or https URL with a host: " + origin);
        }
        if (sha256 != null && sha256.length != BlockHashes.SHA256_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length);
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative: " + priority);
        }
        sha256 = sha256 == null ? null : sha256.clone();
        if ((manifest == null) != (manifestSha256 == null)) {
            throw new IllegalArgumentException("a trusted manifest needs both its URL and its SHA-256");
        }
        if (manifest != null) {
            String manifestScheme = manifest.getScheme();
            if (manifestScheme == null || !(manifestScheme.equalsIgnoreCase("http") || manifestScheme.equalsIgnoreCase("https"))
                    || manifest.getHost() == null) {
                throw new IllegalArgumentException("manifest must be an http or https URL with a host: " + manifest);
            }
            if (manifestSha256.length != BlockHashes.SHA256_LENGTH) {
                throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + manifestSha256.length);
            }
            manifestSha256 = manifestSha256.clone();
        }
    }

    @Override
    public byte[] manifestSha256() {
        return manifestSha256 == null ? null : manifestSha256.clone();
    }

    /**
     * @param url the trusted manifest's URL
     * @param sha the manifest's SHA-256
     * @return this task with a trusted manifest
     */
    public TaskSpec withManifest(URI url, byte[] sha) {
        return new TaskSpec(taskId, origin, sha256, priority, url, sha);
    }

    @Override
    public byte[] sha256() {
        return sha256 == null ? null : sha256.clone();
    }

    /**
     * @return the identity cached blocks are filed under when the task names its SHA-256, or
     *     null when the origin's validator must name the content instead
     */
    public String contentIdentityOrNull() {
        return sha256 == null ? null : "sha256:" + BlockHashes.toHex(sha256);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskSpec that && taskId.equals(that.taskId) && origin.equals(that.origin)
                && Arrays.equals(sha256, that.sha256) && priority == that.priority
                && Objects.equals(manifest, that.manifest) && Arrays.equals(manifestSha256, that.manifestSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, origin, Arrays.hashCode(sha256), priority, manifest, Arrays.hashCode(manifestSha256));
    }

    @Override
    public String toString() {
        return "task " + taskId + " from " + origin;
    }
}
