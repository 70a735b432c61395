package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.clock.NanoClock;
import io.subnetcast.core.repair.PeerTransfer;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Moves repair bytes over HTTP/1.1 range requests with the project's fetcher: to peers' block
 * servers and, for blocks no peer holds, to the origin. Received bytes go straight into the cache
 * entry with positional writes, never over a block that is already verified. For a task with a
 * key, requests to peers carry the task's peer token in {@code Authorization} (never requests to
 * the origin); the bytes that come back are trusted only after their block's SHA-256 verifies.
 *
 * <p>The fetcher completes on its own threads; every completion is handed to the agent's thread
 * (the engine's loop, which drives the agent after it) with the time read there, and a transfer
 * cancelled on that thread reports nothing after.
 */
public final class HttpPeerTransfer implements PeerTransfer {
    /** Largest manifest accepted: 32 bytes for each of 2^21 blocks. */
    static final int MAX_MANIFEST_BYTES = 64 << 20;

    private final HttpFetcher fetcher;
    private final SessionKey key;
    private final String taskId;
    private final String peerAuthorization;
    private final URI origin;
    private final Executor agentThread;
    private final NanoClock clock;

    /**
     * @param fetcher the HTTP client; its retry and timeout settings apply to every request
     * @param key the task's key, or null for none: with one, requests carry its peer token and a
     *     manifest counts only with its tag
     * @param taskId the task, with a key
     * @param origin the task's origin URL, which is never sent the peers' token; null if unknown
     * @param agentThread runs completions on the agent's thread and drives the agent after them
     * @param clock the agent's clock, read on that thread for each completion
     */
    public HttpPeerTransfer(HttpFetcher fetcher, SessionKey key, String taskId, URI origin, Executor agentThread,
                            NanoClock clock) {
        if (key != null && taskId == null) {
            throw new IllegalArgumentException("a key needs its task id");
        }
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.key = key;
        this.taskId = taskId;
        this.peerAuthorization = key == null ? null : key.peerAuthorization(taskId);
        this.origin = origin;
        this.agentThread = Objects.requireNonNull(agentThread, "agentThread");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The request, with the peer token unless it goes to the origin. */
    private FetchRequest authorized(FetchRequest request, URI source) {
        return source.equals(origin) ? request : request.withAuthorization(peerAuthorization);
    }

    @Override
    public Cancel fetch(URI source, long offset, int length, BlockFile store, Completion completion) {
        long end = offset + length;
        var future = fetcher.fetch(authorized(FetchRequest.span(source, offset, end), source), (at, data) -> write(store, offset, end, at, data));
        Delivery delivery = new Delivery(future);
        future.whenComplete((result, failure) -> {
            if (failure == null) {
                delivery.deliver(nowNs -> completion.done(Outcome.OK, "", nowNs));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            boolean notHeld = cause instanceof FetchException fetch && fetch.status().orElse(0) == 404;
            String detail = String.valueOf(cause.getMessage());
            delivery.deliver(nowNs -> completion.done(notHeld ? Outcome.NOT_HELD : Outcome.FAILED, detail, nowNs));
        });
        return delivery;
    }

    /**
     * One transfer's way back to the agent's thread. Cancelling happens on that thread too, so the
     * flag needs no fence: a completion queued before the cancel finds it set and is dropped.
     */
    private final class Delivery implements Cancel {
        private final Future<?> future;
        private boolean cancelled;

        Delivery(Future<?> future) {
            this.future = future;
        }

        void deliver(LongConsumer completion) {
            agentThread.execute(() -> {
                if (!cancelled) {
                    completion.accept(clock.nanoTime());
                }
            });
        }

        @Override
        public void cancel() {
            cancelled = true;
            future.cancel(true);
        }
    }

    /** @return the hashes without their tag, or null when the tag does not match */
    private byte[] checked(byte[] received, int tagLength) {
        if (tagLength == 0) {
            return received;
        }
        byte[] hashes = Arrays.copyOf(received, received.length - tagLength);
        byte[] tag = Arrays.copyOfRange(received, hashes.length, received.length);
        return MessageDigest.isEqual(tag, key.manifestTag(taskId, hashes)) ? hashes : null;
    }

    private static void write(BlockFile store, long spanStart, long spanEnd, long at, ByteBuf data) throws IOException {
        long from = Math.max(at, spanStart);
        long to = Math.min(at + data.readableBytes(), spanEnd);
        if (from < to) {
            store.writeToMissing(from, data.slice(data.readerIndex() + (int) (from - at), (int) (to - from)));
        }
    }

    @Override
    public Cancel fetchManifest(URI source, int blockCount, ManifestCompletion completion) {
        long expected = (long) blockCount * BlockHashes.SHA256_LENGTH;
        if (expected > MAX_MANIFEST_BYTES) {
            Delivery refused = new Delivery(CompletableFuture.completedFuture(null));
            refused.deliver(nowNs -> completion.done(null, nowNs));
            return refused;
        }
        // With a key the manifest ends with its tag: peer-repair HTTP is not sealed.
        int tagLength = key == null ? 0 : SessionKey.MANIFEST_TAG_LENGTH;
        byte[] hashes = new byte[(int) expected + tagLength];
        URI manifest = URI.create(source.toString() + "/manifest");
        var future = fetcher.fetch(authorized(FetchRequest.whole(manifest), source), (at, data) -> {
            if (at < 0 || at + data.readableBytes() > hashes.length) {
                throw new IOException("manifest from " + manifest + " is longer than " + hashes.length + " bytes");
            }
            data.getBytes(data.readerIndex(), hashes, (int) at, data.readableBytes());
        });
        Delivery delivery = new Delivery(future);
        future.whenComplete((result, failure) -> {
            byte[] received = failure == null && result.bytesDelivered() == hashes.length ? checked(hashes, tagLength) : null;
            delivery.deliver(nowNs -> completion.done(received, nowNs));
        });
        return delivery;
    }

    @Override
    public Cancel fetchUnitsHeld(URI source, BlockLayout layout, UnitsHeldCompletion completion) {
        // Not tagged: a forged answer costs a request answered 404 or a block that fails its check.
        int most = (int) Math.min(VouchedUnits.maxEncodedLength(layout.length()), MAX_MANIFEST_BYTES);
        URI held = URI.create(source.toString() + "/units-held");
        var future = fetcher.fetchBytes(authorized(FetchRequest.whole(held), source), most);
        Delivery delivery = new Delivery(future);
        future.whenComplete((body, failure) -> {
            VouchedUnits units = failure == null ? VouchedUnits.decode(body, layout) : null;
            delivery.deliver(nowNs -> completion.done(units, nowNs));
        });
        return delivery;
    }
}
