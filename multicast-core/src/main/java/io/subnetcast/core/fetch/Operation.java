package io.subnetcast.core.fetch;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HEAD or GET as the caller sees it: attempts one after another, each on a connection from the
 * pool, with redirects followed, retryable failures retried after a backoff, and the whole bounded
 * by the attempt and redirect limits. Subclasses create the {@link Exchange} of each attempt.
 *
 * <p>Attempts never overlap: each step is handed to the next through an event loop, which orders
 * the operation's state between threads. Only {@link #abort} comes from other threads, and it
 * touches the volatile fields alone.
 *
 * @param <T> the result
 */
abstract class Operation<T> implements ExchangeListener<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Operation.class);

    protected final FetchSettings settings;
    protected final ConnectionPool pool;
    private final EventLoop loop;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final URI originalUri;
    private final Set<URI> visited = new LinkedHashSet<>();

    private URI uri;
    private int attempts = 1;
    private boolean freshConnection;
    private boolean staleRetryUsed;
    private volatile Channel channel;
    private volatile Future<?> pending;

    Operation(FetchSettings settings, ConnectionPool pool, EventLoop loop, URI uri) {
        this.settings = settings;
        this.pool = pool;
        this.loop = loop;
        this.originalUri = uri;
        this.uri = uri;
        visited.add(uri);
    }

    /** @return the future the caller gets: cancelling it closes the connection */
    final CompletableFuture<T> future() {
        return future;
    }

    /** Starts the first attempt. */
    final void start() {
        future.whenComplete((value, error) -> cleanUp());
        execute(loop, this::attempt);
    }

    /**
     * Ends the operation from outside (fetcher closing).
     *
     * @param reason why
     */
    final void abort(String reason) {
        future.completeExceptionally(new FetchException(describe() + ": " + reason, uri, 0, attempts, null));
    }

    /**
     * @param lease the connection for this attempt
     * @param uri the URL of this attempt
     * @param attempts the attempt number
     * @return the exchange, not started
     */
    protected abstract Exchange<T> newExchange(Lease lease, URI uri, int attempts);

    /**
     * @param uri the current URL
     * @return e.g. {@code GET http://h/p bytes=0-99}, for messages
     */
    protected abstract String describe(URI uri);

    @Override
    public final boolean isDone() {
        return future.isDone();
    }

    @Override
    public final void onComplete(T value) {
        channel = null;
        future.complete(value);
    }

    @Override
    public final void onRedirect(URI location, int status) {
        channel = null;
        if (future.isDone()) {
            return;
        }
        String chain = String.join(" -> ", visited.stream().map(URI::toString).toList()) + " -> " + location;
        if (visited.size() > settings.maxRedirects()) {
            fail("too many redirects (limit " + settings.maxRedirects() + "): " + chain, status, null);
            return;
        }
        try {
            Origin.of(location);
        } catch (IllegalArgumentException e) {
            fail(Exchange.statusText(status) + " to an unsupported URL: " + e.getMessage(), status, null);
            return;
        }
        if (!visited.add(location)) {
            fail("redirect loop: " + chain, status, null);
            return;
        }
        LOG.debug("{}: {} to {}", describe(), status, location);
        uri = location;
        freshConnection = false;
        execute(loop, this::attempt);
    }

    @Override
    public final void onFatal(String reason, int status, Throwable cause) {
        channel = null;
        fail(reason, status, cause);
    }

    @Override
    public final void onRetryable(String reason, int status, Throwable cause, boolean staleConnection) {
        channel = null;
        if (future.isDone()) {
            return;
        }
        if (staleConnection && !staleRetryUsed) {
            // The server closed an idle pooled connection; not the origin's fault, so no attempt is spent.
            LOG.debug("{}: pooled connection was closed ({}), retrying on a new one", describe(), reason);
            staleRetryUsed = true;
            freshConnection = true;
            execute(loop, this::attempt);
            return;
        }
        if (attempts >= settings.maxAttempts()) {
            fail("failed after " + attempts + (attempts == 1 ? " attempt" : " attempts") + "; last: " + reason,
                    status, cause);
            return;
        }
        long delayNs = settings.backoff().delayNanos(attempts);
        LOG.debug("{}: attempt {} failed ({}), retrying in {} ms", describe(), attempts, reason,
                TimeUnit.NANOSECONDS.toMillis(delayNs));
        attempts++;
        staleRetryUsed = false;
        freshConnection = false;
        try {
            pending = loop.schedule(this::attempt, delayNs, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            fail("event loop shut down", 0, e);
        }
    }

    private void attempt() {
        if (future.isDone()) {
            return;
        }
        Future<Lease> acquire = pool.acquire(Origin.of(uri), loop, freshConnection);
        pending = acquire;
        if (future.isDone()) {
            acquire.cancel(false);
            return;
        }
        acquire.addListener(f -> onAcquired(acquire));
    }

    private void onAcquired(Future<Lease> acquire) {
        if (!acquire.isSuccess()) {
            if (!acquire.isCancelled()) {
                onConnectFailed(acquire.cause());
            }
            return;
        }
        Lease lease = acquire.getNow();
        Channel ch = lease.channel();
        channel = ch;
        // Re-checked after publishing the channel: either abort() sees the channel or we see abort().
        if (future.isDone()) {
            ch.close();
            return;
        }
        Exchange<T> exchange = newExchange(lease, uri, attempts);
        HttpRequest request = exchange.request(settings.userAgent());
        // A pooled connection may live on another event loop than this operation.
        execute(ch.eventLoop(), () -> exchange.start(request));
    }

    private void onConnectFailed(Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            onRetryable("TLS handshake timed out", 0, cause, false);
        } else if (cause instanceof SSLException) {
            // Trust and hostname failures do not heal by themselves.
            onFatal("TLS handshake failed: " + rootMessage(cause), 0, cause);
        } else {
            onRetryable("connect failed: " + Exchange.describe(cause), 0, cause, false);
        }
    }

    private void fail(String reason, int status, Throwable cause) {
        future.completeExceptionally(new FetchException(describe() + ": " + reason, uri, status, attempts, cause));
    }

    private void cleanUp() {
        Future<?> p = pending;
        if (p != null && !p.isDone()) {
            p.cancel(false);
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    private String describe() {
        String text = describe(uri);
        return uri.equals(originalUri) ? text : text + " (redirected from " + originalUri + ")";
    }

    private void execute(EventLoop target, Runnable task) {
        try {
            if (target.inEventLoop()) {
                task.run();
            } else {
                target.execute(task);
            }
        } catch (RejectedExecutionException e) {
            fail("event loop shut down", 0, e);
        }
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? Exchange.describe(cause) : Exchange.describe(cause) + " (" + Exchange.describe(root) + ")";
    }
}
