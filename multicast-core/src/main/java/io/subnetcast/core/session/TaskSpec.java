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
 */
public record TaskSpec(String taskId, URI origin, byte[] sha256, int priority) {
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
                && Arrays.equals(sha256, that.sha256) && priority == that.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, origin, Arrays.hashCode(sha256), priority);
    }

    @Override
    public String toString() {
        return "task " + taskId + " from " + origin;
    }
}
