package io.subnetcast.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent daemon must not forget across a restart, in {@code agent-state.json} in its state
 * directory: the version installed per product, the job per product (which deployment, which try,
 * how it stands, and what runs it again from the cache), and the reports the server has not
 * acknowledged yet. It holds session keys, so it is created readable by its owner only. Every change is written to
 * a temporary file, forced to disk and moved over the old one, so a crash leaves the old state or
 * the new one, never a torn file.
 */
final class DaemonState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "agent-state.json";

    /** One product's current deployment on this device. */
    static final class Job {
        String deployment;
        String version;
        int attempt;
        /** downloading, installed or failed. */
        String state;
        String reason = "";
        /** What the task needs to be run again from the cache (to serve it): the offer's fields. */
        String url = "";
        String sha256 = "";
        String manifestUrl = "";
        String manifestSha256 = "";
        String sessionKey = "";

        Job(String deployment, String version, int attempt, String state) {
            this.deployment = deployment;
            this.version = version;
            this.attempt = attempt;
            this.state = state;
        }
    }

    /**
     * A report the server has not acknowledged.
     *
     * @param deployment the deployment
     * @param state offered, downloading, installed or failed
     * @param attempt the try
     * @param reason the failure's reason, or empty
     */
    record Report(String deployment, String state, int attempt, String reason) {
    }

    private final Path file;
    final Map<String, String> installed = new LinkedHashMap<>();
    /**
     * Per product, the deployment whose copy in {@code packages/} is the installed version: the next
     * version's basis, kept apart from the job, which a new try replaces.
     */
    final Map<String, String> installedDeployment = new LinkedHashMap<>();
    final Map<String, Job> jobs = new LinkedHashMap<>();
    final List<Report> outbox = new ArrayList<>();

    private DaemonState(Path file) {
        this.file = file;
    }

    /**
     * @param stateDir the daemon's state directory
     * @return the state saved there, or an empty one
     * @throws IOException when the file exists but cannot be read
     */
    static DaemonState load(Path stateDir) throws IOException {
        DaemonState state = new DaemonState(stateDir.resolve(FILE));
        if (!Files.exists(state.file)) {
            return state;
        }
        JsonNode root;
        try {
            root = JSON.readTree(state.file.toFile());
        } catch (IOException e) {
            throw new IOException(state.file + " is not the daemon's state (" + Errors.describe(e) + "); move it away to start afresh");
        }
        root.path("installed").properties().forEach(e -> state.installed.put(e.getKey(), e.getValue().asText()));
        root.path("installedDeployment").properties()
                .forEach(e -> state.installedDeployment.put(e.getKey(), e.getValue().asText()));
        root.path("jobs").properties().forEach(e -> {
            JsonNode j = e.getValue();
            Job job = new Job(j.path("deployment").asText(), j.path("version").asText(), j.path("attempt").asInt(1),
                    j.path("state").asText());
            job.reason = j.path("reason").asText("");
            job.url = j.path("url").asText("");
            job.sha256 = j.path("sha256").asText("");
            job.manifestUrl = j.path("manifestUrl").asText("");
            job.manifestSha256 = j.path("manifestSha256").asText("");
            job.sessionKey = j.path("sessionKey").asText("");
            state.jobs.put(e.getKey(), job);
        });
        for (JsonNode r : root.path("outbox")) {
            state.outbox.add(new Report(r.path("deployment").asText(), r.path("state").asText(), r.path("attempt").asInt(1),
                    r.path("reason").asText("")));
        }
        return state;
    }

    /** Writes the state atomically and durably. */
    void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode inst = root.putObject("installed");
        installed.forEach(inst::put);
        ObjectNode instDeployment = root.putObject("installedDeployment");
        installedDeployment.forEach(instDeployment::put);
        ObjectNode js = root.putObject("jobs");
        jobs.forEach((product, j) -> js.putObject(product).put("deployment", j.deployment).put("version", j.version)
                .put("attempt", j.attempt).put("state", j.state).put("reason", j.reason).put("url", j.url)
                .put("sha256", j.sha256).put("manifestUrl", j.manifestUrl).put("manifestSha256", j.manifestSha256)
                .put("sessionKey", j.sessionKey));
        ArrayNode out = root.putArray("outbox");
        outbox.forEach(r -> out.addObject().put("deployment", r.deployment()).put("state", r.state())
                .put("attempt", r.attempt()).put("reason", r.reason()));
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        // It holds the releases' session keys: readable by its owner only, where the file system says so.
        try {
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
