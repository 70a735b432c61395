package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.fetch.FetchRequest;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.TaskSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.IntPredicate;

/**
 * What one task asks of its origin over HTTP on behalf of its agent: the package's length and
 * validator, the blocks it lacks, and its trusted manifest. The fetches run on the HTTP fetcher's
 * threads; their results are posted to the engine thread as the agent's events. The other methods
 * run on the engine thread.
 */
final class OriginFetches {
    private final EngineResources engine;
    private final SessionAgent agent;
    private PackageDownloader.Download download;
    // The origin's validator from the probe, so that a download notices a package changed under it.
    private String validator;

    OriginFetches(EngineResources engine, SessionAgent agent) {
        this.engine = engine;
        this.agent = agent;
    }

    /** Learns the package's length and validator (see {@link SessionPort#probeOrigin}). */
    void probe(TaskSpec spec) {
        engine.downloader().probe(spec.origin()).whenComplete((info, failure) -> engine.post(() -> {
            long now = engine.nowNs();
            if (failure != null) {
                agent.onFetchFailed(reason(failure), now);
            } else {
                validator = info.rangeValidator().orElse(null);
                agent.onPackageInfo(info.length(), validator == null ? "" : validator, now);
            }
        }));
    }

    /** Downloads the missing blocks (see {@link SessionPort#fetchMissing}). */
    void fetchMissing(TaskSpec spec, BlockFile store, IntPredicate wanted) {
        download = engine.downloader().download(spec.origin(), store, validator, wanted,
                block -> engine.post(() -> agent.onBlockFetched(block, engine.nowNs())));
        PackageDownloader.Download current = download;
        current.completion().whenComplete((ignored, failure) -> {
            if (failure != null && !(unwrap(failure) instanceof CancellationException)) {
                engine.post(() -> {
                    if (download == current) { // a failure of a download since replaced is old news
                        agent.onFetchFailed(reason(failure), engine.nowNs());
                    }
                });
            }
        });
    }

    /** Fetches and checks the trusted manifest (see {@link SessionPort#fetchTrustedManifest}). */
    void fetchTrustedManifest(TaskSpec spec) {
        byte[][] received = {new byte[4096]};
        int[] size = {0};
        engine.fetcher().fetch(FetchRequest.whole(spec.manifest()), (at, data) -> {
            long end = at + data.readableBytes();
            if (end > TrustedManifest.MAX_BYTES) {
                throw new IOException("manifest at " + spec.manifest() + " is larger than " + TrustedManifest.MAX_BYTES + " bytes");
            }
            if (end > received[0].length) {
                received[0] = Arrays.copyOf(received[0], (int) Math.min(TrustedManifest.MAX_BYTES,
                        Math.max(end, 2L * received[0].length)));
            }
            data.getBytes(data.readerIndex(), received[0], (int) at, data.readableBytes());
            size[0] = (int) Math.max(size[0], end);
        }).whenComplete((result, failure) -> engine.post(() -> {
            long now = engine.nowNs();
            if (failure != null) {
                agent.onFetchFailed("cannot fetch the trusted manifest: " + reason(failure), now);
                return;
            }
            try {
                agent.onTrustedManifest(TrustedManifest.parse(Arrays.copyOf(received[0], size[0]),
                        spec.manifestSha256()), now);
            } catch (IOException | IllegalArgumentException e) {
                agent.onFetchFailed("trusted manifest " + spec.manifest() + " refused: " + e.getMessage(), now);
            }
        }));
    }

    /** Stops the download, and forgets it: a failure it reports later is not the agent's business. */
    void cancel() {
        if (download != null) {
            download.cancel();
            download = null;
        }
    }

    /** Stops the download for good: the task ends. */
    void stop() {
        if (download != null) {
            download.cancel();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
