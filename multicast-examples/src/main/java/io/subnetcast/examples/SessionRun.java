package io.subnetcast.examples;

import io.subnetcast.core.auth.AuthCounter;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionException;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One agent's part in a task's session, as {@code agent} and {@code precache} run it: build a
 * {@link SubnetcastEngine}, {@code distribute} the task, wait for {@code completion()} (the verified
 * package is in place, or in the cache), then for {@code finished()} (the session no longer needs
 * this agent), then close the engine and print the result.
 */
final class SessionRun {
    private static final long LOG_INTERVAL_MS = 2_000;

    private final CommandSpec spec;
    private final CliEnvironment environment;
    private final SessionOptions options;
    private volatile boolean stoppedBySignal;

    SessionRun(CommandSpec spec, CliEnvironment environment, SessionOptions options) {
        this.spec = spec;
        this.environment = environment;
        this.options = options;
    }

    /**
     * @param destination where to place the package, or null to keep it in the cache (pre-caching)
     * @return the exit status
     */
    int run(Path destination) throws IOException {
        long startNs = System.nanoTime();
        OneTransferJit.applyInBackground();
        LeakDetection.offForOneTransfer();
        Deadline deadline = Deadline.after(startNs, options.timeout);
        DistributionTask task = options.task(destination);
        SubnetcastEngine engine = options.openEngine(options.cache());
        Thread hook = environment.handleSignals() ? Signals.onShutdown(() -> {
            stoppedBySignal = true;
            engine.close();
        }) : null;
        PrintWriter err = spec.commandLine().getErr();
        try (engine) {
            DistributionHandle handle = engine.distribute(task);
            Result result;
            try (AgentProgress progress = new AgentProgress(err, environment.terminal(), options.taskId, handle,
                    LOG_INTERVAL_MS)) {
                result = await(handle, task.isCacheOnly(), startNs, deadline, progress, engine.authCounters());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(options.json ? result.toJson(options.networkInterface) : result.toText());
            stdout.flush();
            return ExitCodes.OK;
        } finally {
            Signals.remove(hook);
        }
    }

    private Result await(DistributionHandle handle, boolean cacheOnly, long startNs, Deadline deadline,
            AgentProgress progress, AuthCounters dropped) throws IOException {
        Path placed;
        try {
            placed = handle.completion().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String where = Progress.describe(handle.progress(), -1);
            handle.cancel();
            throw new CliException(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(options.timeout)
                    + " (" + where + ")");
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            throw new CliException(ExitCodes.FAILED, cause instanceof DistributionException ? cause.getMessage()
                    : "task '" + options.taskId + "' failed: " + Errors.describe(cause));
        } catch (CancellationException e) {
            throw new CliException(ExitCodes.FAILED, stoppedBySignal
                    ? "stopped by a signal before the package was in place (the cache keeps what arrived)"
                    : "task '" + options.taskId + "' was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        // The future's listeners may run after get() returned; then now is as close as it gets.
        long doneNs = progress.completedAtNs() != 0 ? progress.completedAtNs() : System.nanoTime();
        double seconds = (doneNs - startNs) / 1e9;
        // With --sha256 the engine placed the file only after its own whole-file check against it
        // (BlockFile.publish), so reading the whole package once more would only cost time; without
        // one, the digest is computed here to be reported.
        byte[] actual = options.sha256 != null ? BlockHashes.parseSha256(options.sha256) : Digests.sha256(placed);
        String linger = Durations.format(options.linger);
        progress.note(String.format(Locale.ROOT, "%s %s (SHA-256 %s) after %.2f s; %s", cacheOnly ? "cached" : "placed",
                placed, BlockHashes.toHex(actual), seconds, handle.progress().role() == Role.REPRESENTATIVE
                        ? "serving the session: the multicast pass, then repairs until the members are done (or make no"
                        + " progress for " + linger + ")"
                        : "serving peers until the session's members are done (at most " + linger + ")"));
        waitUntilFinished(handle, deadline, progress);
        return new Result(options.taskId, placed, cacheOnly, handle.progress(), seconds, BlockHashes.toHex(actual),
                options.sha256 != null, dropped);
    }

    /**
     * Members may still need this agent: a representative's pass may not even have begun when its own
     * copy is in place. The library decides when the session no longer needs it ({@code finished()});
     * only --timeout cuts that short.
     */
    private static void waitUntilFinished(DistributionHandle handle, Deadline deadline, AgentProgress progress) {
        try {
            handle.finished().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            progress.note("left the session: " + Progress.describeFinish(handle.progress()));
        } catch (TimeoutException e) {
            progress.note("stopped serving the session: --timeout passed (" + Progress.describe(handle.progress(), -1) + ")");
        } catch (ExecutionException | CancellationException e) {
            progress.note("session ended: " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What one agent achieved, as printed at its end. */
    record Result(String taskId, Path file, boolean cacheOnly, SessionProgress progress, double seconds,
                  String sha256Hex, boolean checkedAgainstTask, AuthCounters dropped) {
        String toJson(String networkInterface) {
            return new Json().put("task", taskId).put("role", Progress.role(progress.role()))
                    .put("bytes_origin", progress.bytesFromOrigin()).put("bytes_multicast", progress.bytesFromMulticast())
                    .put("bytes_repair", progress.bytesFromRepair()).put("bytes_basis", progress.bytesFromBasis())
                    .put("seconds", seconds, 3).put("sha256", sha256Hex)
                    .put("sha256_checked", checkedAgainstTask).put("bytes", progress.packageLength())
                    .put("file", file.toString()).put("cache_only", cacheOnly).put("interface", networkInterface)
                    .put("epoch", progress.epoch())
                    .put("fallback", progress.fellBackToUnicast() ? "unicast" : "none")
                    .put("fallback_reason", progress.fallback())
                    .put("dropped_forged", dropped.get(AuthCounter.FORGED))
                    .put("dropped_replayed", dropped.get(AuthCounter.REPLAYED))
                    .put("dropped_unauthenticated", dropped.get(AuthCounter.UNAUTHENTICATED))
                    .toString();
        }

        String toText() {
            return String.format(Locale.ROOT, "%s: %s %s (%s, SHA-256 %s%s) in %.2f s as %s; from the origin %s,"
                            + " from multicast %s, from repair %s, from basis files %s",
                    taskId, cacheOnly ? "cached" : "placed", file, Sizes.format(progress.packageLength()), sha256Hex,
                    checkedAgainstTask ? ", as the task expects" : "", seconds, Progress.role(progress.role()),
                    Sizes.format(progress.bytesFromOrigin()), Sizes.format(progress.bytesFromMulticast()),
                    Sizes.format(progress.bytesFromRepair()), Sizes.format(progress.bytesFromBasis()))
                    + (progress.fellBackToUnicast() ? "; fell back to unicast (" + progress.fallback() + ")" : "");
        }
    }
}
