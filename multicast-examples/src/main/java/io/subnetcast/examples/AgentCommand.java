package io.subnetcast.examples;

import io.subnetcast.core.auth.AuthCounter;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionException;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.repair.PeerRepair;
import io.subnetcast.repair.PeerRepairConfig;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.transport.MulticastInterface;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast agent}: one agent taking part in a task's session on its subnet, the way a
 * distribution agent embeds the library: build a {@link SubnetcastEngine}, {@code distribute} a
 * {@link DistributionTask}, wait for {@code completion()} (the verified file is in place), then for
 * {@code finished()} (no member needs this agent any more), then close the engine.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Join a task's session on this subnet and place the verified package.",
        description = "Takes part in a task's session on this subnet until FILE holds the verified package and no known member"
                + " still needs data from this agent (or --linger passed). The agents of a subnet given the same task elect"
                + " one representative, which downloads the package once, waits the start delay, and multicasts it; the"
                + " others receive it. Blocks missed by several agents are multicast once more; every other gap is fetched"
                + " from peers that hold the block (HTTP range requests to their block servers), and from the origin only"
                + " when no peer holds it. Every block is checked against its SHA-256 before it counts.",
        footer = {"", "Exit status: 0 done; 1 failed; 2 bad input; 3 --timeout passed."})
final class AgentCommand implements Callable<Integer> {
    private static final Duration FINISH_GRACE = Duration.ofSeconds(5);
    private static final long LOG_INTERVAL_MS = 2_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "ID", converter = Converters.TaskIdConverter.class,
            description = "Task id, the same on every agent: letters, digits and . _ - (one id per package version).")
    private String taskId;

    @Option(names = "--url", required = true, paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "http or https URL of the package at the origin.")
    private URI url;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to place the verified package; its directory must exist.")
    private Path out;

    @Option(names = "--interface", required = true, paramLabel = "NAME",
            description = "Network interface to multicast on, e.g. eth0 (never guessed).")
    private String networkInterface;

    @Option(names = "--sha256", paramLabel = "HEX", converter = Converters.Sha256Converter.class,
            description = "SHA-256 of the package (64 hex digits); the placed file is checked against it.")
    private String sha256;

    @Option(names = "--manifest-url", paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "URL of the task's trusted manifest (written by 'subnetcast manifest'); with it every block is"
                    + " checked against the manifest before it is cached or served. Needs --manifest-sha256.")
    private URI manifestUrl;

    @Option(names = "--manifest-sha256", paramLabel = "HEX", converter = Converters.Sha256Converter.class,
            description = "SHA-256 of the trusted manifest (64 hex digits), as 'subnetcast manifest' printed it.")
    private String manifestSha256;

    @Option(names = "--group", paramLabel = "ADDR:PORT", converter = Converters.GroupConverter.class,
            defaultValue = "239.255.0.1:41234",
            description = "Control group of the deployment; session data goes to port PORT+1. Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress group;

    @Option(names = "--start-delay", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "1m",
            description = "How long the representative waits before multicasting, so that others can join"
                    + " (500ms, 3s, 1m, 1h). Default: ${DEFAULT-VALUE}.")
    private Duration startDelay;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Block cache; a restart resumes from it. Default: $XDG_CACHE_HOME/subnetcast or"
                    + " ~/.cache/subnetcast. Give each agent on one machine its own.")
    private Path cacheDir;

    @Option(names = "--rate", paramLabel = "RATE", converter = Converters.RateConverter.class, defaultValue = "100m",
            description = "Multicast send rate in bit/s (500k, 100m, 1g). Default: ${DEFAULT-VALUE}.")
    private long rate;

    @Option(names = "--fixed-rate",
            description = "As representative, send at --rate whatever the members lose (by default the rate adapts"
                    + " down to their loss reports, --rate being the most).")
    private boolean fixedRate;

    @Option(names = "--loss", paramLabel = "FRACTION", converter = Converters.LossConverter.class, defaultValue = "0",
            description = "Drop this fraction of received datagrams, e.g. 0.05 or 5%% (a testing aid). Default: ${DEFAULT-VALUE}.")
    private double loss;

    @Option(names = "--linger", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "30s",
            description = "Longest time to keep serving the session once the file is in place. Default: ${DEFAULT-VALUE}.")
    private Duration linger;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Give up after this long in all (exit status 3). Default: no limit.")
    private Duration timeout;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Election priority, 0 or more; higher makes this agent a likelier representative."
                    + " Default: ${DEFAULT-VALUE}.")
    private int priority;

    @Option(names = "--mtu", paramLabel = "BYTES", defaultValue = "1500",
            description = "MTU of the link; datagrams are sized to it. Default: ${DEFAULT-VALUE}.")
    private int mtu;

    @Mixin
    private KeyOptions keyOptions;

    @Option(names = "--json", description = "Print the result as one JSON object, the last line on stdout.")
    private boolean json;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;
    private volatile boolean stoppedBySignal;

    AgentCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        long startNs = System.nanoTime();
        Deadline deadline = Deadline.after(startNs, timeout);
        Path file = Locations.requireWritableFile(out, "--out");
        // Checked here as well as by the engine, so that a misspelt name fails before anything is created.
        MulticastInterface.resolve(networkInterface);
        byte[] expected = sha256 == null ? null : BlockHashes.parseSha256(sha256);
        DistributionTask task = DistributionTask.of(taskId, url, file).withPriority(priority);
        if (expected != null) {
            task = task.withSha256(expected);
        }
        if ((manifestUrl == null) != (manifestSha256 == null)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--manifest-url and --manifest-sha256 go together");
        }
        if (manifestUrl != null) {
            task = task.withManifest(manifestUrl, BlockHashes.parseSha256(manifestSha256));
        }
        task = keyOptions.apply(task);
        Path cache = Locations.requireWritableDirectory(cacheDir != null ? cacheDir : Locations.defaultCacheDirectory(),
                "--cache-dir");
        SessionConfig config = SessionConfig.builder().startDelay(startDelay).rateBitsPerSecond(rate).mtu(mtu)
                .adaptiveRate(!fixedRate).linger(linger).dataPort(group.getPort() + 1).build();
        SubnetcastEngine engine = openEngine(cache, config);
        Thread hook = environment.handleSignals() ? Signals.onShutdown(() -> {
            stoppedBySignal = true;
            engine.close();
        }) : null;
        PrintWriter err = spec.commandLine().getErr();
        try (engine) {
            DistributionHandle handle = engine.distribute(task);
            AgentResult result;
            try (AgentProgress progress = new AgentProgress(err, environment.terminal(), taskId, handle, LOG_INTERVAL_MS)) {
                result = await(handle, startNs, deadline, progress, engine.authCounters());
            }
            print(result);
            return ExitCodes.OK;
        } finally {
            Signals.remove(hook);
        }
    }

    private SubnetcastEngine openEngine(Path cache, SessionConfig config) {
        try {
            return SubnetcastEngine.builder().networkInterface(networkInterface).controlGroup(group).cacheDirectory(cache)
                    .session(config).receiveLoss(loss > 0 ? LossGenerator.random(loss, ThreadLocalRandom.current().nextLong())
                            : LossGenerator.NONE)
                    .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
                    .build();
        } catch (IOException e) {
            // The sockets could not be bound or the group joined: the interface cannot carry multicast.
            throw new CliException(ExitCodes.BAD_INPUT, Errors.describe(e));
        }
    }

    private AgentResult await(DistributionHandle handle, long startNs, Deadline deadline, AgentProgress progress,
            AuthCounters dropped) throws IOException {
        Path placed;
        try {
            placed = handle.completion().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String where = Progress.describe(handle.progress(), -1);
            handle.cancel();
            throw new CliException(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(timeout) + " (" + where + ")");
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            throw new CliException(ExitCodes.FAILED, cause instanceof DistributionException ? cause.getMessage()
                    : "task '" + taskId + "' failed: " + Errors.describe(cause));
        } catch (CancellationException e) {
            throw new CliException(ExitCodes.FAILED, stoppedBySignal
                    ? "stopped by a signal before the package was in place (the cache keeps what arrived)"
                    : "task '" + taskId + "' was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        // The future's listeners may run after get() returned; then now is as close as it gets.
        long doneNs = progress.completedAtNs() != 0 ? progress.completedAtNs() : System.nanoTime();
        double seconds = (doneNs - startNs) / 1e9;
        byte[] actual = Digests.sha256(placed);
        if (sha256 != null && !MessageDigest.isEqual(actual, BlockHashes.parseSha256(sha256))) {
            throw new CliException(ExitCodes.FAILED, placed + " has SHA-256 " + BlockHashes.toHex(actual)
                    + ", not the task's " + sha256);
        }
        progress.note(String.format(Locale.ROOT, "placed %s (SHA-256 %s) after %.2f s; serving the session for up to %s",
                placed, BlockHashes.toHex(actual), seconds, Durations.format(linger)));
        waitUntilFinished(handle, deadline, progress);
        return new AgentResult(taskId, placed, handle.progress(), seconds, BlockHashes.toHex(actual), sha256 != null,
                dropped);
    }

    /** Members may still need this agent; it stays until they are served or its linger passed. */
    private void waitUntilFinished(DistributionHandle handle, Deadline deadline, AgentProgress progress) {
        long boundNs = Math.min(deadline.remainingNanos(), linger.plus(FINISH_GRACE).toNanos());
        try {
            handle.finished().get(boundNs, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            progress.note("stopped serving the session: " + (deadline.isExpired() ? "--timeout passed" : "linger passed"));
        } catch (ExecutionException | CancellationException e) {
            progress.note("session ended: " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(AgentResult result) {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(json ? result.toJson(networkInterface) : result.toText());
        stdout.flush();
    }

    /** What one agent achieved, as printed at its end. */
    record AgentResult(String taskId, Path file, SessionProgress progress, double seconds, String sha256Hex,
                       boolean checkedAgainstTask, AuthCounters dropped) {
        String toJson(String networkInterface) {
            return new Json().put("task", taskId).put("role", Progress.role(progress.role()))
                    .put("bytes_origin", progress.bytesFromOrigin()).put("bytes_multicast", progress.bytesFromMulticast())
                    .put("bytes_repair", progress.bytesFromRepair()).put("seconds", seconds, 3).put("sha256", sha256Hex)
                    .put("sha256_checked", checkedAgainstTask).put("bytes", progress.packageLength())
                    .put("file", file.toString()).put("interface", networkInterface).put("epoch", progress.epoch())
                    .put("fallback", progress.fellBackToUnicast() ? "unicast" : "none")
                    .put("fallback_reason", progress.fallback())
                    .put("dropped_forged", dropped.get(AuthCounter.FORGED))
                    .put("dropped_replayed", dropped.get(AuthCounter.REPLAYED))
                    .put("dropped_unauthenticated", dropped.get(AuthCounter.UNAUTHENTICATED))
                    .toString();
        }

        String toText() {
            return String.format(Locale.ROOT, "%s: placed %s (%s, SHA-256 %s%s) in %.2f s as %s; from the origin %s,"
                            + " from multicast %s, from repair %s",
                    taskId, file, Sizes.format(progress.packageLength()), sha256Hex,
                    checkedAgainstTask ? ", as the task expects" : "", seconds, Progress.role(progress.role()),
                    Sizes.format(progress.bytesFromOrigin()), Sizes.format(progress.bytesFromMulticast()),
                    Sizes.format(progress.bytesFromRepair()))
                    + (progress.fellBackToUnicast() ? "; fell back to unicast (" + progress.fallback() + ")" : "");
        }
    }
}
