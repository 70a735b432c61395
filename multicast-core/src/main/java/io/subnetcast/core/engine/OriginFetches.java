package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.fetch.FetchRequest;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionPort;
import io.subnetcast.core.session.TaskSpec;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one task asks of its origin over HTTP on behalf of its agent: the package's length and
 * validator, the blocks it lacks, and its trusted manifest. The fetches run on the HTTP fetcher's
 * threads; their results are posted to the engine thread as the agent's events. The other methods
 * run on the engine thread.
 */
final class OriginFetches {
    private static final Logger LOG = LoggerFactory.getLogger(OriginFetches.class);
    /**
     * Tries of a peer's units before the origin: about ten seconds, the time a representative takes
     * to fetch them. A member asks as soon as it joins, usually a moment before its representative
     * has them, so the first retries come soon (a fixed 500 ms cost the members' scans, and so the
     * pass, a quarter of a second on average); later ones every 400 ms.
     */
    private static final int PEER_UNITS_ATTEMPTS = 27;
    private static final long PEER_UNITS_FIRST_RETRY_MS = 50;
    private static final long PEER_UNITS_MAX_RETRY_MS = 400;

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
                agent.onPackageInfo(info.length(), validator == null ? "" : validator, info.acceptsRanges(), now);
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
        engine.fetcher().fetchBytes(FetchRequest.whole(spec.manifest()), TrustedManifest.MAX_BYTES).whenComplete((bytes, failure) -> engine.post(() -> {
            long now = engine.nowNs();
            if (failure != null) {
                agent.onFetchFailed("cannot fetch the trusted manifest: " + reason(failure), now);
                return;
            }
            try {
                agent.onTrustedManifest(TrustedManifest.parse(bytes, spec.manifestSha256()), now);
            } catch (IOException | IllegalArgumentException e) {
                agent.onFetchFailed("trusted manifest " + spec.manifest() + " refused: " + e.getMessage(), now);
            }
        }));
    }

    /**
     * Fetches the delta units the trusted manifest names (see {@link SessionPort#fetchUnits}): from
     * the peer first, asking again while it does not have them yet (its representative fetches
     * them at the same moment), then from the origin, beside the manifest.
     *
     * @param peer the peer's block server URL for the task, or null for the origin only
     * @param authorization what the peer's block server wants for a task with a key, or null
     */
    void fetchUnits(TaskSpec spec, TrustedManifest manifest, URI peer, String authorization) {
        URI origin = URI.create(spec.manifest() + ".units");
        if (peer == null) {
            fetchUnitsFrom(spec.taskId(), FetchRequest.whole(origin), manifest, 1, null);
        } else {
            FetchRequest fromPeer = FetchRequest.whole(URI.create(peer + "/units"));
            fetchUnitsFrom(spec.taskId(), authorization == null ? fromPeer : fromPeer.withAuthorization(authorization), manifest,
                    PEER_UNITS_ATTEMPTS, FetchRequest.whole(origin));
        }
    }

    private void fetchUnitsFrom(String taskId, FetchRequest request, TrustedManifest manifest, int attempts, FetchRequest fallback) {
        engine.fetcher().fetchBytes(request, TrustedManifest.MAX_UNITS_BYTES).whenComplete((bytes, failure) -> engine.post(() -> {
            String why;
            boolean wrong = false;
            if (failure == null) {
                try {
                    TrustedManifest withUnits = manifest.withUnits(bytes);
                    agent.onUnits(withUnits, engine.nowNs());
                    return;
                } catch (IOException e) {
                    why = e.getMessage();
                    wrong = true;
                }
            } else {
                why = reason(failure);
            }
            if (attempts > 1 && !wrong) {
                int retry = PEER_UNITS_ATTEMPTS - attempts; // 0 for the first
                long delayMs = Math.min(PEER_UNITS_MAX_RETRY_MS, PEER_UNITS_FIRST_RETRY_MS << Math.min(retry, 8));
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, engine::post)
                        .execute(() -> fetchUnitsFrom(taskId, request, manifest, attempts - 1, fallback));
            } else if (fallback != null) {
                LOG.info("task {}: delta units not taken from {} ({}); asking {}", taskId, request.uri(), why,
                        fallback.uri());
                fetchUnitsFrom(taskId, fallback, manifest, 1, null);
            } else {
                agent.onUnitsFailed("cannot fetch the delta units from " + request.uri() + ": " + why, engine.nowNs());
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
