package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.fetch.ResourceInfo;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast precache}: fetches a task's package into the block cache without placing it
 * anywhere else, so that an agent started later with the same cache, task id and hash already
 * holds it (and, if elected, multicasts it without touching the origin).
 */
@Command(name = "precache", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Fetch a task's package into the block cache only.",
        description = "Fetches a task's package into the block cache without placing it anywhere else (\"copy to the local"
                + " distribution cache\"). Blocks already cached are not fetched again. With --sha256 the cached content is"
                + " hashed in place and a mismatch discards it. Agents given the same --task, --sha256 (or none) and"
                + " --cache-dir use what was cached.",
        footer = {"", "Exit status: 0 cached; 1 failed; 2 bad input; 3 --timeout passed."})
final class PrecacheCommand implements Callable<Integer> {
    private static final long LOG_INTERVAL_MS = 2_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "ID", converter = Converters.TaskIdConverter.class,
            description = "Task id the agents will use.")
    private String taskId;

    @Option(names = "--url", required = true, paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "http or https URL of the package.")
    private URI url;

    @Option(names = "--sha256", paramLabel = "HEX", converter = Converters.Sha256Converter.class,
            description = "SHA-256 of the package (64 hex digits); the cached content must match it.")
    private String sha256;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Block cache. Default: $XDG_CACHE_HOME/subnetcast or ~/.cache/subnetcast.")
    private Path cacheDir;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Give up after this long (500ms, 3s, 1m, 1h; exit status 3). Default: no limit.")
    private Duration timeout;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    PrecacheCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        long startNs = System.nanoTime();
        Deadline deadline = Deadline.after(startNs, timeout);
        byte[] expected = sha256 == null ? null : BlockHashes.parseSha256(sha256);
        Path cacheRoot = Locations.requireWritableDirectory(cacheDir != null ? cacheDir : Locations.defaultCacheDirectory(),
                "--cache-dir");
        BlockCache cache = BlockCache.open(cacheRoot);
        try (HttpFetcher fetcher = HttpFetcher.builder().build()) {
            PackageDownloader downloader = new PackageDownloader(fetcher);
            ResourceInfo info = await(downloader.probe(url), deadline, "asking " + url + " for the package", null);
            String validator = info.rangeValidator().orElse("");
            // The same identity the engine files the task under (see SessionAgent), so that an agent
            // given this task finds these blocks.
            String identity = new TaskSpec(taskId, url, expected, 0).contentIdentityOrNull();
            if (identity == null) {
                identity = "origin:" + info.length() + ":" + validator;
            }
            int blockSize = SessionConfig.builder().build().blockSize();
            long fetched;
            byte[] actual;
            long heldBefore;
            try (BlockFile store = cache.open(taskId, info.length(), blockSize, identity)) {
                heldBefore = store.bytesHeld();
                fetched = fill(downloader, store, validator, deadline);
                actual = Digests.sha256(store);
            }
            if (expected != null && !MessageDigest.isEqual(actual, expected)) {
                cache.remove(taskId);
                throw new CliException(ExitCodes.FAILED, "the package at " + url + " has SHA-256 " + BlockHashes.toHex(actual)
                        + ", not " + sha256 + "; the cached copy was discarded");
            }
            double seconds = (System.nanoTime() - startNs) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.format(Locale.ROOT, "precached task %s: %s in %s; %s from %s in %.2f s (%s already"
                            + " cached); SHA-256 %s %s",
                    taskId, Sizes.format(info.length()), cacheRoot.resolve(taskId), Sizes.format(fetched), url, seconds,
                    Sizes.format(heldBefore), BlockHashes.toHex(actual),
                    expected != null ? "verified" : "(not checked: no --sha256 given)"));
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** Downloads what the entry misses, showing progress. */
    private long fill(PackageDownloader downloader, BlockFile store, String validator, Deadline deadline) {
        if (store.isComplete()) {
            return 0;
        }
        long length = store.layout().length();
        PackageDownloader.Download download = downloader.download(url, store, validator.isEmpty() ? null : validator,
                block -> { });
        try (ProgressPrinter printer = new ProgressPrinter(spec.commandLine().getErr(), environment.terminal(),
                LOG_INTERVAL_MS, elapsed -> new ProgressPrinter.Line(length == 0 ? 1 : (double) store.bytesHeld() / length,
                        taskId + ": " + Sizes.format(store.bytesHeld()) + " of " + Sizes.format(length) + " cached"))) {
            printer.start();
            await(download.completion(), deadline, "downloading " + url, download::cancel);
        }
        return download.bytesReceived();
    }

    private <T> T await(CompletableFuture<T> future, Deadline deadline, String what, Runnable onTimeout) {
        try {
            return future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (onTimeout != null) {
                onTimeout.run();
            }
            throw new CliException(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(timeout) + " " + what);
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.FAILED, what + " failed: " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while " + what);
        }
    }
}
