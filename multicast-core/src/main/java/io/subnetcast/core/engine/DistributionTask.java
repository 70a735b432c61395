package io.subnetcast.core.engine;

import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.session.TaskSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A package to distribute and where to put it.
 *
 * @param spec the task as every agent of the subnet sees it: id, origin URL, SHA-256, priority
 * @param destination where this agent places the verified package; null to keep it in the block
 *     cache only ({@link #cacheOnly}), where a later task of the same id and content finds it
 * @param key the task's secret key from the management system, or null; with a key every datagram
 *     of the task is authenticated with AES-GCM, plain or forged ones are dropped, and the block
 *     server serves the task only to peers that show a token derived from the key
 * @param encryptData with a key: whether datagram bodies are encrypted too (else only authenticated)
 * @param basis older versions of the package on this machine, scanned for the new version's
 *     content (see {@link #withBasis}); empty for none
 */
public record DistributionTask(TaskSpec spec, Path destination, SessionKey key, boolean encryptData, List<Path> basis) {
    /** Checks the parts. */
    public DistributionTask {
        Objects.requireNonNull(spec, "spec");
        if (encryptData && key == null) {
            throw new IllegalArgumentException("encrypting the data needs a key");
        }
        basis = List.copyOf(basis);
    }

    /**
     * A task without basis files.
     *
     * @param spec the task
     * @param destination where to place the package, or null to keep it in the cache
     * @param key the task's key, or null
     * @param encryptData with a key: whether datagram bodies are encrypted too
     */
    public DistributionTask(TaskSpec spec, Path destination, SessionKey key, boolean encryptData) {
        this(spec, destination, key, encryptData, List.of());
    }

    /**
     * A task without a key.
     *
     * @param spec the task
     * @param destination where to place the package
     */
    public DistributionTask(TaskSpec spec, Path destination) {
        this(spec, destination, null, false);
    }

    /**
     * @param taskId the task's id
     * @param origin http or https URL of the package
     * @param destination where to place it
     * @return a task without SHA-256 and with priority 0
     */
    public static DistributionTask of(String taskId, URI origin, Path destination) {
        return new DistributionTask(new TaskSpec(taskId, origin, null, 0), destination);
    }

    /**
     * Pre-caching ("copy to the local distribution cache"): the agent takes part in the session
     * like any other (election, one download per subnet, multicast, repair) but keeps the verified
     * package in its block cache instead of placing it. {@link DistributionHandle#completion()} then
     * gives the cached content's path, to be read, not moved; a later task of the same id and
     * content on the same cache finds every block there and, if elected, multicasts it without the
     * origin.
     *
     * @param taskId the task's id
     * @param origin http or https URL of the package
     * @return a task without SHA-256, priority 0 and no destination
     */
    public static DistributionTask cacheOnly(String taskId, URI origin) {
        return new DistributionTask(new TaskSpec(taskId, origin, null, 0), null);
    }

    /** @return whether the package stays in the block cache instead of being placed */
    public boolean isCacheOnly() {
        return destination == null;
    }

    /**
     * @param sha256 the package's SHA-256 (32 bytes)
     * @return this task, checked against that hash
     */
    public DistributionTask withSha256(byte[] sha256) {
        return withSpec(new TaskSpec(spec.taskId(), spec.origin(), sha256, spec.priority(), spec.manifest(),
                spec.manifestSha256()));
    }

    /**
     * @param url the trusted manifest (written by {@code subnetcast manifest})
     * @param sha256 the manifest's SHA-256
     * @return this task, each block checked against that manifest before it is cached or served
     */
    public DistributionTask withManifest(URI url, byte[] sha256) {
        return withSpec(spec.withManifest(url, sha256));
    }

    /**
     * @param priority election priority; higher makes this agent a likelier representative
     * @return this task with that priority
     */
    public DistributionTask withPriority(int priority) {
        return withSpec(new TaskSpec(spec.taskId(), spec.origin(), spec.sha256(), priority, spec.manifest(),
                spec.manifestSha256()));
    }

    /**
     * Authenticates every datagram of the task, and with {@code encrypt} encrypts them too. Every
     * agent of the task must be given the same key and the same choice.
     *
     * @param sessionKey the key the management system issued with the task
     * @param encrypt whether to encrypt datagram bodies (control and data), not only authenticate them
     * @return this task with that key
     */
    public DistributionTask withKey(SessionKey sessionKey, boolean encrypt) {
        return new DistributionTask(spec, destination, Objects.requireNonNull(sessionKey, "sessionKey"), encrypt, basis);
    }

    /**
     * @param path where to place the package
     * @return this task placing it there: one task description serves every agent on a machine
     */
    public DistributionTask withDestination(Path path) {
        return new DistributionTask(spec, path, key, encryptData, basis);
    }

    /**
     * Express-style delta: before the election the agent scans these files (older versions of the
     * package, in any layout: content found even where it moved) against the trusted manifest's
     * delta units, and puts every unit whose strong hash matches into its cache; only the rest comes
     * from the subnet or the origin. Needs a trusted manifest with delta units
     * ({@link #withManifest}) and the package's SHA-256 ({@link #withSha256}); without them the basis
     * is ignored with a warning. Files that cannot be read are skipped with a warning.
     *
     * @param files the older versions; none replaces any given before
     * @return this task with those basis files
     */
    public DistributionTask withBasis(Path... files) {
        return new DistributionTask(spec, destination, key, encryptData, List.of(files));
    }

    private DistributionTask withSpec(TaskSpec changed) {
        return new DistributionTask(changed, destination, key, encryptData, basis);
    }

    /** @return the task id */
    public String taskId() {
        return spec.taskId();
    }
}
