package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Downloads the blocks a {@link BlockFile} misses from an HTTP origin (or a peer), streaming each
 * response straight into the cache with positional writes and committing every block the moment
 * its last byte is written. Consecutive missing blocks are fetched as one range over one kept-alive
 * connection; a restart after a crash therefore asks only for what the cache does not hold, with
 * {@code If-Range} so that a changed package is never mixed with cached bytes.
 *
 * <p>Bytes for blocks the cache already holds are never written again, even when a server ignores
 * the range and sends the whole body.
 */
public final class PackageDownloader {
    private final HttpFetcher fetcher;

    /**
     * @param fetcher the HTTP client; not closed by this class
     */
    public PackageDownloader(HttpFetcher fetcher) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /**
     * Learns the package's length and validators.
     *
     * @param uri the package URL
     * @return the origin's answer to HEAD
     */
    public CompletableFuture<ResourceInfo> probe(URI uri) {
        return fetcher.head(uri);
    }

    /**
     * Fetches every missing block.
     *
     * @param uri the package URL
     * @param store the cache entry to fill
     * @param validator the {@code ETag} (or {@code Last-Modified}) the cached blocks were fetched
     *     under, sent as {@code If-Range}; null to send none
     * @param onBlock told the index of each block committed, on the fetcher's event loop
     * @return a download whose {@link Download#completion()} ends when the store is complete, or
     *     fails with the reason (a {@link FetchException} names the URL and status)
     */
    public Download download(URI uri, BlockFile store, String validator, IntConsumer onBlock) {
        return download(uri, store, validator, block -> true, onBlock);
    }

    /**
     * Fetches the missing blocks that {@code wanted} accepts; the download completes when none is
     * left (other blocks may still be missing: they come from elsewhere).
     *
     * @param uri the package URL
     * @param store the cache entry to fill
     * @param validator sent as {@code If-Range}; null to send none
     * @param wanted which missing blocks to fetch
     * @param onBlock told the index of each block committed, on the fetcher's event loop
     * @return the download
     */
    public Download download(URI uri, BlockFile store, String validator, IntPredicate wanted, IntConsumer onBlock) {
        Download download = new Download(uri, store, validator, wanted, onBlock);
        download.fetchNextRun();
        return download;
    }

    /** The local cache failed (disk full, I/O error): not the server's fault. */
    static final class CacheWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        CacheWriteException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static CacheWriteException findCacheFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CacheWriteException local) {
                return local;
            }
        }
        return null;
    }

    /** One download in progress; cancel it to stop. */
    public final class Download {
        private final URI uri;
        private final BlockFile store;
        private final String validator;
        private final IntConsumer onBlock;
        private final IntPredicate wanted;
        private final CompletableFuture<Void> completion = new CompletableFuture<>();
        private volatile CompletableFuture<FetchResult> current;
        private long bytesReceived;
        private long streamStart = -1;
        private long streamEnd = -1;
        // Blocks this download committed or found present: never fetched again, even when the entry
        // drops them later. A complete package that fails its whole-file check is discarded by the
        // thread placing it, which (its digest taken as blocks came) may finish before this one looks
        // at the block it last committed; it must not read "did not verify", nor fetch the package
        // again. Written and read on the fetcher's thread, after the previous run completed.
        private final BlockBitmap done;

        private Download(URI uri, BlockFile store, String validator, IntPredicate wanted, IntConsumer onBlock) {
            this.uri = uri;
            this.wanted = wanted;
            this.store = store;
            this.validator = validator;
            this.onBlock = onBlock;
            this.done = new BlockBitmap(store.layout().blockCount());
        }

        /** @return completes when every block is present */
        public CompletableFuture<Void> completion() {
            return completion;
        }

        /** @return bytes received from the server so far, including any it sent beyond what was asked */
        public long bytesReceived() {
            return bytesReceived;
        }

        /** Stops the download; its completion fails with a {@link CancellationException}. */
        public void cancel() {
            completion.completeExceptionally(new CancellationException("download of " + uri + " cancelled"));
            CompletableFuture<FetchResult> fetch = current;
            if (fetch != null) {
                fetch.cancel(true);
            }
        }

        private void fetchNextRun() {
            if (completion.isDone()) {
                return;
            }
            BlockLayout layout = store.layout();
            int first = store.nextMissingBlock(0);
            while (first >= 0 && (!wanted.test(first) || done.get(first))) {
                first = store.nextMissingBlock(first + 1);
            }
            if (first < 0) {
                completion.complete(null);
                return;
            }
            int last = first;
            while (last + 1 < layout.blockCount() && !store.hasBlock(last + 1) && wanted.test(last + 1)
                    && !done.get(last + 1)) {
                last++;
            }
            long start = layout.offsetOf(first);
            long end = layout.offsetOf(last) + layout.lengthOf(last);
            FetchRequest request = FetchRequest.span(uri, start, end).withWholeBodyUseful(true);
            if (validator != null && !validator.isEmpty()) {
                request = request.withIfRange(validator);
            }
            streamStart = -1;
            streamEnd = -1;
            int expectedLast = last;
            current = fetcher.fetch(request, this::write);
            current.whenComplete((result, failure) -> {
                if (failure != null) {
                    CacheWriteException local = findCacheFailure(failure);
                    // A local disk failure is not the server's fault: report it as what it is.
                    completion.completeExceptionally(local != null ? local
                            : failure instanceof java.util.concurrent.CompletionException
                            && failure.getCause() != null ? failure.getCause() : failure);
                } else if (result.validatorChanged()) {
                    completion.completeExceptionally(new IOException("the package at " + uri
                            + " changed during the download (If-Range " + validator + " answered with a new version)"));
                } else if (!store.layout().isValidIndex(expectedLast) || done.get(expectedLast)
                        || store.hasBlock(expectedLast)) {
                    fetchNextRun();
                } else {
                    completion.completeExceptionally(new IOException("block " + expectedLast + " of " + uri
                            + " did not verify after download"));
                }
            });
        }

        /** Positional write of what arrived, skipping held blocks; commits blocks the stream completed. */
        private void write(long offset, ByteBuf data) throws IOException {
            if (completion.isDone()) {
                throw new CancellationException("download cancelled");
            }
            BlockLayout layout = store.layout();
            int length = data.readableBytes();
            bytesReceived += length;
            long end = Math.min(layout.length(), offset + length);
            if (offset != streamEnd) {
                streamStart = offset; // a new response, or a server starting over from another offset
            }
            streamEnd = offset + length;
            long position = offset;
            try {
                while (position < end) {
                    int block = layout.indexOf(position);
                    long blockEnd = layout.offsetOf(block) + layout.lengthOf(block);
                    int take = (int) (Math.min(end, blockEnd) - position);
                    if (store.hasBlock(block)) {
                        done.set(block);
                    } else {
                        store.write(position, data.slice(data.readerIndex() + (int) (position - offset), take));
                        if (position + take == blockEnd && layout.offsetOf(block) >= streamStart) {
                            if (store.commitBlock(block)) {
                                done.set(block);
                                onBlock.accept(block);
                            }
                        }
                    }
                    position += take;
                }
            } catch (IOException e) {
                throw new CacheWriteException("cannot write task '" + store.taskId() + "' to the cache in "
                        + store.contentPath().getParent() + ": " + e.getMessage(), e);
            }
        }
    }
}
