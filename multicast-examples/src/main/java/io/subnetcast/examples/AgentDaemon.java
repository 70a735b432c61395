package io.subnetcast.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.deploy.model.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent daemon: asks the deployment server, every poll interval (with jitter), what to install
 * of each product; runs each offered release through the multicast engine on its subnet; runs the
 * install command on the placed file; reports every change. Its state lives in the state directory
 * ({@link DaemonState}), so a restart neither repeats nor forgets an install, and reports made
 * while the server is down are sent when it is back.
 */
final class AgentDaemon {
    /** How often a running job is looked at, whatever the poll interval. */
    private static final long JOB_CHECK_MS = 1_000;

    private final ServerClient server;
    private final String deviceId;
    private final Platform platform;
    /** The products named with --product; empty: every product the server deploys for this platform. */
    private final List<String> products;
    /** Without --product: the products the server named last (kept while it cannot be reached). */
    private final java.util.Set<String> followed = new java.util.TreeSet<>();
    private final SubnetcastEngine engine;
    private final Path stateDir;
    private final String installCommand;
    private final Duration poll;
    private final PrintWriter log;
    private final DaemonState state;
    /** Priority of a task run to serve a held package: above every agent that starts with nothing. */
    private static final int HOLDER_PRIORITY = 1_000;

    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, SubnetcastEngine.HeldPackage> serving = new HashMap<>();
    private boolean serverDown;

    /** A job whose distribution runs in the engine. */
    private record Running(String deployment, String version, int attempt, DistributionHandle handle, boolean paused) {
        Running paused(boolean now) {
            return new Running(deployment, version, attempt, handle, now);
        }
    }

    AgentDaemon(ServerClient server, String deviceId, Platform platform, List<String> products, SubnetcastEngine engine,
                Path stateDir, String installCommand, Duration poll, PrintWriter log) throws IOException {
        this.server = server;
        this.deviceId = deviceId;
        this.platform = platform;
        this.products = products;
        this.engine = engine;
        this.stateDir = stateDir;
        this.installCommand = installCommand;
        this.poll = poll;
        this.log = log;
        this.state = DaemonState.load(stateDir);
        Files.createDirectories(stateDir.resolve("packages"));
    }

    /**
     * Runs until {@code stop} completes.
     *
     * @param stop completed on SIGTERM (or by a test)
     */
    void run(CompletableFuture<Void> stop) throws IOException, InterruptedException {
        say("agent daemon " + deviceId + " (" + platform.label() + ") for "
                + (products.isEmpty() ? "every product the server deploys for " + platform.label() : String.join(", ", products))
                + ", installed: "
                + (state.installed.isEmpty() ? "nothing yet" : state.installed));
        state.jobs.forEach((product, job) -> {
            if (job.state.equals("installed")) {
                serve(product, job); // a restart goes on serving what it holds
            }
        });
        long nextPollMs = 0;
        while (!stop.isDone()) {
            boolean changed = checkJobs();
            if (changed) {
                changed |= flushOutbox(); // a change goes to the server at once, not a poll interval later
            }
            long now = System.currentTimeMillis();
            if (now >= nextPollMs) {
                // Reports first: the server decides on retries from what it knows of the last try.
                changed |= flushOutbox();
                boolean started = false;
                for (String product : products()) {
                    started |= pollOnce(product);
                }
                changed |= started;
                if (started) {
                    changed |= flushOutbox();
                }
                long jitter = poll.toMillis() / 5;
                nextPollMs = now + poll.toMillis() - jitter + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * jitter));
            }
            if (changed) {
                state.save();
            }
            try {
                stop.get(Math.min(JOB_CHECK_MS, Math.max(1, nextPollMs - System.currentTimeMillis())), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // time for the next round
            }
        }
        say("stopping; the cache and " + stateDir.resolve("agent-state.json") + " keep where it stands");
    }

    /** @return the products to ask about this round */
    private Iterable<String> products() throws InterruptedException {
        if (!products.isEmpty()) {
            return products;
        }
        try {
            JsonNode answer = server.call("GET", "/api/agent/products?platform=" + platform.label(), null);
            followed.clear();
            for (JsonNode p : answer.path("products")) {
                followed.add(io.subnetcast.deploy.model.Inputs.name("product", p.asText()));
            }
        } catch (ServerClient.ServerException | io.subnetcast.deploy.model.InvalidInputException e) {
            // pollOnce says that the server cannot be reached; go on with the products it named before
        }
        followed.addAll(state.jobs.keySet()); // a job under way is seen through, whatever the server lists now
        return List.copyOf(followed);
    }

    private boolean pollOnce(String product) throws InterruptedException {
        String installed = state.installed.get(product);
        JsonNode offer;
        try {
            offer = server.call("GET", "/api/agent/offer?device=" + enc(deviceId) + "&platform=" + platform.label()
                    + "&product=" + enc(product) + (installed == null ? "" : "&version=" + enc(installed)), null);
        } catch (ServerClient.ServerException e) {
            if (!serverDown || e.status() != 0) {
                say("cannot ask the server about " + product + ": " + e.getMessage() + "; going on with what it said before");
            }
            serverDown = e.status() == 0;
            return false;
        }
        if (serverDown) {
            say("the server is back");
            serverDown = false;
        }
        String kind = offer.path("kind").asText();
        Running job = running.get(product);
        if (kind.equals("hold")) {
            if (job != null && !job.paused()) {
                job.handle().pause();
                running.put(product, job.paused(true));
                say(product + " " + job.version() + ": paused by the server (" + offer.path("why").asText() + ")");
            }
            return false;
        }
        if (!kind.equals("install")) {
            return false;
        }
        String deployment = offer.path("deployment").asText();
        if (job != null && job.deployment().equals(deployment)) {
            if (job.paused()) {
                job.handle().resume();
                running.put(product, job.paused(false));
                say(product + " " + job.version() + ": resumed");
            }
            return false;
        }
        if (job != null) {
            job.handle().cancel(); // a newer release superseded it: devices only move to the latest
            running.remove(product);
            say(product + " " + job.version() + ": cancelled, superseded by " + offer.path("version").asText());
        }
        DaemonState.Job saved = state.jobs.get(product);
        int attempt = 1;
        if (saved != null && saved.deployment.equals(deployment)) {
            if (saved.state.equals("installed")) {
                return false; // the server has not heard yet; the outbox tells it
            }
            if (saved.state.equals("failed")) {
                if (offer.path("retryInMs").asLong() > 0 || unsentFailure(deployment)) {
                    // The retry rule's backoff is not over, or the server has not heard of the failure yet
                    // and would count this try as the first (Windows does not retry a failed version).
                    return false;
                }
                attempt = saved.attempt + 1;
            } else {
                attempt = saved.attempt; // a restart in the middle of a try goes on with it
            }
        }
        start(product, offer, attempt);
        return true;
    }

    private void start(String product, JsonNode offer, int attempt) {
        String deployment = offer.path("deployment").asText();
        String version = offer.path("version").asText();
        DaemonState.Job job = new DaemonState.Job(deployment, version, attempt, "downloading");
        job.url = offer.path("url").asText();
        job.sha256 = offer.path("sha256").asText();
        job.manifestUrl = offer.path("manifestUrl").asText("");
        job.manifestSha256 = offer.path("manifestSha256").asText("");
        job.sessionKey = offer.path("sessionKey").asText("");
        release(product); // a newer release: this device no longer serves the old one
        // Kept in the cache (and copied out for the install), so that this device can serve it afterwards.
        DistributionTask task = task(job);
        Path previous = previousPackage(product);
        if (previous != null && !job.manifestUrl.isEmpty()) {
            // Express-style delta: the release this device installed before is the new one's basis.
            task = task.withBasis(previous);
        }
        DistributionHandle handle = engine.distribute(task);
        running.put(product, new Running(deployment, version, attempt, handle, false));
        state.jobs.put(product, job);
        state.outbox.add(new DaemonState.Report(deployment, "downloading", attempt, ""));
        say(product + " " + version + ": offered (" + offer.path("why").asText() + "); try " + attempt + ", joining the "
                + (task.key() != null ? "sealed" : "unkeyed") + " session on this subnet");
    }

    /**
     * @return the copy of the package this device last installed for the product, while it is
     *     still where the daemon put it (the install command may have moved it), or null
     */
    private Path previousPackage(String product) {
        String deployment = state.installedDeployment.get(product);
        DaemonState.Job last = state.jobs.get(product);
        if (deployment == null && last != null && last.state.equals("installed")) {
            deployment = last.deployment; // a state file from before the daemon kept it apart
        }
        if (deployment == null) {
            return null;
        }
        Path file = packageCopy(deployment);
        return Files.isRegularFile(file) ? file : null;
    }

    private Path packageCopy(String deployment) {
        return stateDir.resolve("packages").resolve(deployment + ".pkg");
    }

    /**
     * The copy of what was installed before is no longer anyone's basis once a newer version is
     * installed, nor is a copy whose install failed (a retry copies it again): without this a
     * device kept every version it ever installed.
     */
    private void deleteCopy(String deployment) {
        try {
            Files.deleteIfExists(packageCopy(deployment));
        } catch (IOException e) {
            say("cannot delete " + packageCopy(deployment) + ": " + Errors.describe(e));
        }
    }

    /** @return the job's task, cache-only, with its hash, manifest and key */
    private static DistributionTask task(DaemonState.Job job) {
        DistributionTask task = DistributionTask.cacheOnly(job.deployment, URI.create(job.url))
                .withSha256(BlockHashes.parseSha256(job.sha256));
        if (!job.manifestUrl.isEmpty()) {
            task = task.withManifest(URI.create(job.manifestUrl), BlockHashes.parseSha256(job.manifestSha256));
        }
        if (!job.sessionKey.isEmpty()) {
            // The release is sealed: its sessions authenticate every datagram with this key (as --key-file does).
            task = task.withKey(SessionKey.of(HexFormat.of().parseHex(job.sessionKey)), false);
        }
        return task;
    }

    /**
     * Keeps serving an installed release to the subnet: a device of a later wave that looks for a
     * session gets this one as its representative, and the package from here instead of the origin.
     */
    private void serve(String product, DaemonState.Job job) {
        if (job.url.isEmpty()) {
            return; // a state file from before the daemon kept what the task needs
        }
        release(product);
        serving.put(product, engine.hold(task(job).withPriority(HOLDER_PRIORITY)));
    }

    private void release(String product) {
        SubnetcastEngine.HeldPackage old = serving.remove(product);
        if (old != null) {
            old.close();
        }
    }

    /** Looks at running jobs: a placed package is installed, a failure is recorded. */
    private boolean checkJobs() throws InterruptedException {
        boolean changed = false;
        for (Iterator<Map.Entry<String, Running>> it = running.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Running> e = it.next();
            Running job = e.getValue();
            CompletableFuture<Path> completion = job.handle().completion();
            if (!completion.isDone()) {
                continue;
            }
            it.remove();
            String product = e.getKey();
            DaemonState.Job saved = state.jobs.get(product);
            String failure;
            try {
                failure = install(product, job.version(), placeCopy(completion.get(), job.deployment()));
            } catch (ExecutionException | java.util.concurrent.CancellationException ex) {
                failure = "distribution failed: " + Errors.describe(Errors.unwrap(ex));
            } catch (IOException ex) {
                failure = "cannot copy the package out of the cache: " + Errors.describe(ex);
            }
            saved.state = failure == null ? "installed" : "failed";
            saved.reason = failure == null ? "" : failure;
            if (failure == null) {
                state.installed.put(product, job.version());
                String replaced = state.installedDeployment.put(product, job.deployment());
                if (replaced != null && !replaced.equals(job.deployment())) {
                    deleteCopy(replaced);
                }
                say(product + " " + job.version() + ": installed; serving it to this subnet from now on");
                serve(product, saved);
            } else {
                say(product + " " + job.version() + ": try " + job.attempt() + " failed: " + failure);
                if (!job.deployment().equals(state.installedDeployment.get(product))) {
                    deleteCopy(job.deployment());
                }
            }
            state.outbox.add(new DaemonState.Report(job.deployment(), saved.state, job.attempt(), saved.reason));
            changed = true;
        }
        return changed;
    }

    /**
     * Copies the verified package out of the cache, so that the install command may do what it
     * likes with its file while the cache keeps serving the subnet.
     */
    private Path placeCopy(Path cached, String deployment) throws IOException {
        Path target = packageCopy(deployment);
        Path tmp = target.resolveSibling(deployment + ".pkg.tmp");
        Files.copy(cached, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** @return null when installed, else the reason */
    private String install(String product, String version, Path file) throws InterruptedException {
        if (installCommand == null) {
            return null; // placing the verified file is the install
        }
        ProcessBuilder pb = isWindows() ? new ProcessBuilder("cmd", "/c", installCommand, file.toString())
                : new ProcessBuilder("/bin/sh", "-c", installCommand + " \"$1\"", "sh", file.toString());
        pb.environment().put("SUBNETCAST_PRODUCT", product);
        pb.environment().put("SUBNETCAST_VERSION", version);
        pb.redirectErrorStream(true).redirectOutput(stateDir.resolve("install-" + product + ".log").toFile());
        try {
            int exit = pb.start().waitFor();
            return exit == 0 ? null : "install command exited with " + exit + " (output in "
                    + stateDir.resolve("install-" + product + ".log") + ")";
        } catch (IOException e) {
            return "install command cannot start: " + Errors.describe(e);
        }
    }

    private boolean unsentFailure(String deployment) {
        return state.outbox.stream().anyMatch(r -> r.deployment().equals(deployment) && r.state().equals("failed"));
    }

    private boolean flushOutbox() throws InterruptedException {
        boolean changed = false;
        while (!state.outbox.isEmpty()) {
            DaemonState.Report r = state.outbox.get(0);
            try {
                server.call("POST", "/api/agent/report", ServerClient.object().put("deployment", r.deployment())
                        .put("device", deviceId).put("state", r.state()).put("attempt", r.attempt()).put("reason", r.reason()));
            } catch (ServerClient.ServerException e) {
                if (e.status() == 0 || e.status() >= 500) {
                    return changed; // try again next round
                }
                say("the server refused a report (" + e.getMessage() + "); dropping it");
            }
            state.outbox.remove(0);
            changed = true;
        }
        return changed;
    }

    private void say(String line) {
        log.println(Instant.now() + " " + line);
        log.flush();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
