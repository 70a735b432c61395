package io.subnetcast.core.engine;

import io.subnetcast.core.session.TaskSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A package to distribute and where to put it.
 *
 * @param spec the task as every agent of the subnet sees it: id, origin URL, SHA-256, priority
 * @param destination where this agent places the verified package
 */
public record DistributionTask(TaskSpec spec, Path destination) {
    /** Checks both parts. */
    public DistributionTask {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(destination, "destination");
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
     * @param sha256 the package's SHA-256 (32 bytes)
     * @return this task, checked against that hash
     */
    public DistributionTask withSha256(byte[] sha256) {
        return new DistributionTask(new TaskSpec(spec.taskId(), spec.origin(), sha256, spec.priority(), spec.manifest(),
                spec.manifestSha256()), destination);
    }

    /**
     * @param url the trusted manifest (written by {@code subnetcast manifest})
     * @param sha256 the manifest's SHA-256
     * @return this task, each block checked against that manifest before it is cached or served
     */
    public DistributionTask withManifest(URI url, byte[] sha256) {
        return new DistributionTask(spec.withManifest(url, sha256), destination);
    }

    /**
     * @param priority election priority; higher makes this agent a likelier representative
     * @return this task with that priority
     */
    public DistributionTask withPriority(int priority) {
        return new DistributionTask(new TaskSpec(spec.taskId(), spec.origin(), spec.sha256(), priority, spec.manifest(),
                spec.manifestSha256()), destination);
    }

    /** @return the task id */
    public String taskId() {
        return spec.taskId();
    }
}
