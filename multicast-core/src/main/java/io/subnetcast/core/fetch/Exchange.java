package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.subnetcast.core.wire.LogSafe;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response on one connection. This base class handles what every request
 * shares: the stall timer, informational responses, redirects, error statuses, lost connections,
 * and giving the connection back (only when the response was read to its end and allows
 * keep-alive). Subclasses interpret a 2xx response.
 *
 * <p>Confined to the connection's event loop. Nothing here throws: every problem becomes exactly
 * one call to the {@link ExchangeListener}, made after the connection was pooled or closed.
 *
 * @param <T> the result of a successful exchange
 */
abstract class Exchange<T> {
    /** Largest error or redirect body read to keep its connection; bigger ones close it instead. */
    static final long MAX_DISCARD = 64 * 1024;
    /** Longest Location followed: signed URLs run to a few KiB; the header block is bounded anyway. */
    static final int MAX_LOCATION_LENGTH = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private enum State {
        /** Request sent (or being sent), no final response yet. */
        AWAITING_RESPONSE,
        /** A 2xx response: the subclass reads the body. */
        READING_BODY,
        /** The outcome is known; reading the rest of a small body to keep the connection. */
        DISCARDING,
        /** Connection pooled or closed, outcome reported. */
        FINISHED
    }

    protected final Channel channel;
    protected final ExchangeListener<T> listener;
    protected final URI uri;
    private final boolean reused;
    private final ConnectionPool pool;
    private final long idleTimeoutNanos;

    private State state = State.AWAITING_RESPONSE;
    private HttpResponse response;
    private boolean inInformational;
    private long discarded;
    private Runnable pendingReport;

    Exchange(Lease lease, URI uri, ConnectionPool pool, Duration idleTimeout, ExchangeListener<T> listener) {
        this.channel = lease.channel();
        this.reused = lease.reused();
        this.uri = uri;
        this.pool = pool;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.listener = listener;
    }

    /**
     * Sends the request. Must run on the connection's event loop.
     *
     * @param request the request, written as is
     */
    final void start(HttpRequest request) {
        ChannelPipeline pipeline = channel.pipeline();
        ExchangeSlot slot = pipeline.get(ExchangeSlot.class);
        if (slot == null) {
            // Only on a connection closed and torn down before this ran: treat it as lost.
            ReferenceCountUtil.release(request);
            state = State.FINISHED;
            channel.close();
            listener.onRetryable("connection closed before the request was sent", 0, null, reused);
            return;
        }
        // A fresh stall timer per exchange: an idle pooled connection must not count as stalled.
        pipeline.addBefore(ClientPipeline.SLOT, ClientPipeline.STALL,
                new IdleStateHandler(false, idleTimeoutNanos, 0, 0, TimeUnit.NANOSECONDS));
        slot.attach(this);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                onConnectionLost(f.cause());
            }
        });
    }

    /**
     * A decoded HTTP object arrived. Releases it.
     *
     * @param msg the object
     */
    final void onMessage(Object msg) {
        try {
            if (state == State.FINISHED) {
                return;
            }
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                onMalformed(o.decoderResult().cause());
                return;
            }
            if (msg instanceof HttpResponse r) {
                onResponse(r);
            }
            if (msg instanceof HttpContent c && state != State.FINISHED) {
                onContent(c);
            }
        } catch (RuntimeException e) {
            // A bug of ours must fail the operation, not escape onto the event loop.
            LOG.warn("unexpected error reading {}", uri, e);
            fatal("internal error: " + e, 0, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The connection closed, failed or could not send the request.
     *
     * @param cause what happened, null for an orderly close
     */
    final void onConnectionLost(Throwable cause) {
        if (state == State.FINISHED) {
            return;
        }
        if (state == State.DISCARDING) {
            finish(false, pendingReport);
            return;
        }
        boolean beforeResponse = response == null && !inInformational;
        String what = cause == null ? "connection closed" : "connection lost (" + describe(cause) + ")";
        String where = beforeResponse ? " before the response" : bodyProgress();
        finish(false, () -> listener.onRetryable(what + where, 0, cause, reused && beforeResponse));
    }

    /** No byte arrived for the idle timeout. */
    final void onStall() {
        if (state == State.FINISHED) {
            return;
        }
        if (state == State.DISCARDING) {
            finish(false, pendingReport);
            return;
        }
        String where = response == null ? " waiting for the response" : bodyProgress();
        long millis = TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos);
        finish(false, () -> listener.onRetryable("stalled: no data for " + millis + " ms" + where, 0, null, false));
    }

    /**
     * @param userAgent the User-Agent value
     * @return the request this exchange sends
     */
    abstract HttpRequest request(String userAgent);

    /**
     * A 2xx response arrived. The subclass checks it and either prepares to read the body or
     * reports through {@link #fatal}, {@link #complete} or {@link #retryable}.
     *
     * @param r the response head
     */
    protected abstract void onSuccessHeaders(HttpResponse r);

    /**
     * A piece of a 2xx body arrived.
     *
     * @param content the bytes, valid during the call only
     * @param last true if the body ends with it
     */
    protected abstract void onBody(ByteBuf content, boolean last);

    /** @return how far the body got, for messages, e.g. " after 10 of 100 body bytes" */
    protected String bodyProgress() {
        return " during the response body";
    }

    /** @return the final response head, null before it arrived */
    protected final HttpResponse response() {
        return response;
    }

    /**
     * Reports success. The connection is pooled when {@code bodyEnded} and keep-alive allow,
     * closed otherwise (the rest of the body is not wanted).
     *
     * @param value the result
     * @param bodyEnded true if the response was read to its end
     */
    protected final void complete(T value, boolean bodyEnded) {
        finish(bodyEnded, () -> listener.onComplete(value));
    }

    /** Reports a failure that retrying cannot mend and closes the connection. */
    protected final void fatal(String reason, int status, Throwable cause) {
        finish(false, () -> listener.onFatal(reason, status, cause));
    }

    /** Reports a failure worth a retry and closes the connection. */
    protected final void retryable(String reason, Throwable cause) {
        finish(false, () -> listener.onRetryable(reason, 0, cause, false));
    }

    private void onResponse(HttpResponse r) {
        if (state != State.AWAITING_RESPONSE || inInformational) {
            retryable("a second response arrived before the first ended", null);
            return;
        }
        int code = r.status().code();
        if (code >= 100 && code < 200) {
            // 1xx (e.g. 103 Early Hints) precede the real response; their empty end follows.
            inInformational = true;
            return;
        }
        response = r;
        String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (code >= 200 && code < 300) {
            if (encoding != null && !HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(encoding)) {
                // Offsets are of the raw representation; a coded body would corrupt them.
                fatal(statusText(code) + " with Content-Encoding " + LogSafe.of(encoding), code, null);
                return;
            }
            state = State.READING_BODY;
            onSuccessHeaders(r);
        } else if (isRedirect(code)) {
            String location = r.headers().get(HttpHeaderNames.LOCATION);
            URI target = resolve(location);
            if (target == null) {
                discardThen(r, () -> listener.onFatal(statusText(code) + " with "
                        + (location == null ? "no Location" : "invalid Location '" + LogSafe.of(location) + "'"),
                        code, null));
            } else {
                discardThen(r, () -> listener.onRedirect(target, code));
            }
        } else if (code >= 500 && code < 600) {
            discardThen(r, () -> listener.onRetryable(statusText(code), code, null, false));
        } else {
            String detail = code == 416 ? unsatisfiedLength(r) : "";
            discardThen(r, () -> listener.onFatal(statusText(code) + detail, code, null));
        }
    }

    private void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (inInformational) {
            inInformational = !last;
            return;
        }
        switch (state) {
            case READING_BODY -> onBody(c.content(), last);
            case DISCARDING -> {
                discarded += c.content().readableBytes();
                if (last) {
                    finish(true, pendingReport);
                } else if (discarded > MAX_DISCARD) {
                    finish(false, pendingReport);
                }
            }
            default -> retryable("body bytes before a response", null);
        }
    }

    private void onMalformed(Throwable cause) {
        if (state == State.DISCARDING) {
            finish(false, pendingReport);
        } else if (cause instanceof PrematureChannelClosureException) {
            onConnectionLost(cause);
        } else if (cause instanceof TooLongFrameException) {
            // Bounded on purpose; a server that sends such headers will send them again.
            fatal("response rejected: " + cause.getMessage(), 0, cause);
        } else {
            retryable("malformed response: " + describe(cause), cause);
        }
    }

    /**
     * Reads and drops the rest of a small body before reporting, so that the connection can serve
     * the next request; a large or unbounded body closes the connection instead.
     */
    private void discardThen(HttpResponse r, Runnable report) {
        long length = HttpUtil.getContentLength(r, -1L);
        if (length >= 0 && length <= MAX_DISCARD && !HttpUtil.isTransferEncodingChunked(r)) {
            state = State.DISCARDING;
            pendingReport = report;
        } else {
            finish(false, report);
        }
    }

    /** Gives the connection back or closes it, then reports: the order lets the next request reuse it. */
    private void finish(boolean reusable, Runnable report) {
        if (state == State.FINISHED) {
            return;
        }
        state = State.FINISHED;
        ChannelPipeline pipeline = channel.pipeline();
        ExchangeSlot slot = pipeline.get(ExchangeSlot.class);
        if (slot != null) {
            slot.detach();
        }
        if (pipeline.context(ClientPipeline.STALL) != null) {
            pipeline.remove(ClientPipeline.STALL);
        }
        if (reusable && response != null && HttpUtil.isKeepAlive(response) && channel.isActive()) {
            pool.release(channel);
        } else {
            channel.close();
        }
        try {
            report.run();
        } catch (RuntimeException e) {
            LOG.warn("listener failed for {}", uri, e);
        }
    }

    private URI resolve(String location) {
        if (location == null || !Validators.isSafeHeaderValue(location, MAX_LOCATION_LENGTH)) {
            return null;
        }
        try {
            String resolved = uri.resolve(new URI(location)).toString();
            // A fragment is never sent; dropping it also keeps loop detection exact. A raw '#' can
            // only start the fragment, so cutting there keeps the rest exactly as encoded.
            int hash = resolved.indexOf('#');
            return new URI(hash < 0 ? resolved : resolved.substring(0, hash));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String unsatisfiedLength(HttpResponse r) {
        String value = r.headers().get(HttpHeaderNames.CONTENT_RANGE);
        if (value == null) {
            return "";
        }
        try {
            ContentRange range = ContentRange.parse(value);
            return range.completeLength().isPresent()
                    ? " (resource is " + range.completeLength().getAsLong() + " bytes, Content-Range: " + range + ")"
                    : "";
        } catch (IllegalArgumentException e) {
            return " (" + e.getMessage() + ")";
        }
    }

    /**
     * @param cause an exception
     * @return its class and message, short enough for a failure message
     */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + LogSafe.of(message));
    }

    static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /**
     * @param code a status code
     * @return the code with its standard reason phrase; the server's own phrase is not trusted
     */
    static String statusText(int code) {
        return HttpResponseStatus.valueOf(code).toString();
    }
}
