package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A GET for the rest of a span. It checks the response against what was asked (a 206 must carry
 * exactly the requested {@code Content-Range} and a matching {@code Content-Length}), streams each
 * body piece straight to the {@link BodySink} at its absolute offset, and never delivers a byte
 * outside the span (or, for a 200 when the whole body is useful, outside the body).
 */
final class RangeExchange extends Exchange<FetchResult> {
    private static final long NO_LIMIT = -1;

    private final SpanProgress progress;
    private final BodySink sink;
    private final int attempts;
    private final String sentRange;
    private final String sentValidator;

    private boolean partial;
    /** Absolute offset of the next body byte. */
    private long bodyOffset;
    private long windowStart;
    /** End of what may be delivered from this body, or {@link #NO_LIMIT}. */
    private long windowEnd = NO_LIMIT;
    private long bodyBytes;
    private long expectedBodyBytes = -1;

    RangeExchange(Lease lease, URI uri, ConnectionPool pool, Duration idleTimeout,
            ExchangeListener<FetchResult> listener, SpanProgress progress, BodySink sink, int attempts) {
        super(lease, uri, pool, idleTimeout, listener);
        this.progress = progress;
        this.sink = sink;
        this.attempts = attempts;
        this.sentRange = progress.rangeHeader();
        this.sentValidator = progress.ifRangeHeader();
    }

    /**
     * @return the request to send: the remaining span, with If-Range when a validator is known
     */
    @Override
    HttpRequest request(String userAgent) {
        return Requests.build(HttpMethod.GET, uri, userAgent, sentRange, sentValidator,
                progress.request().authorizationFor(uri));
    }

    @Override
    protected void onSuccessHeaders(HttpResponse r) {
        int code = r.status().code();
        progress.noteResponse(code, HeadExchange.validator(r, HttpHeaderNames.ETAG),
                HeadExchange.validator(r, HttpHeaderNames.LAST_MODIFIED));
        long contentLength = HttpUtil.getContentLength(r, -1L);
        if (code == 206) {
            onPartial(r, contentLength);
        } else if (code == 200) {
            onWhole(contentLength);
        } else {
            fatal(statusText(code) + " is not an answer to a GET", code, null);
        }
    }

    private void onPartial(HttpResponse r, long contentLength) {
        if (sentRange == null) {
            fatal(statusText(206) + " to a request without Range", 206, null);
            return;
        }
        String header = r.headers().get(HttpHeaderNames.CONTENT_RANGE);
        if (header == null) {
            fatal(statusText(206) + " without Content-Range", 206, null);
            return;
        }
        ContentRange range;
        try {
            range = ContentRange.parse(header);
        } catch (IllegalArgumentException e) {
            fatal(statusText(206) + " with " + e.getMessage(), 206, null);
            return;
        }
        long expectedLast = expectedLast(range);
        if (!range.isSatisfied() || range.first() != progress.next() || range.last() != expectedLast) {
            fatal(statusText(206) + " with Content-Range '" + range + "' that does not match Range " + sentRange,
                    206, null);
            return;
        }
        if (contentLength >= 0 && contentLength != range.length()) {
            fatal(statusText(206) + " with Content-Length " + contentLength + " for Content-Range '" + range + "'",
                    206, null);
            return;
        }
        progress.learnEnd(range.last() + 1);
        progress.learnCompleteLength(range.completeLength().orElse(-1));
        progress.learnValidator();
        partial = true;
        bodyOffset = range.first();
        windowStart = range.first();
        windowEnd = range.last() + 1;
        expectedBodyBytes = range.length();
    }

    /** The last byte a 206 must carry: the span's end, or for an open span the resource's end. */
    private long expectedLast(ContentRange range) {
        if (progress.end() >= 0) {
            return progress.end() - 1;
        }
        if (range.completeLength().isPresent()) {
            return range.completeLength().getAsLong() - 1;
        }
        return range.isSatisfied() ? range.last() : -1;
    }

    private void onWhole(long contentLength) {
        if (sentRange != null) {
            progress.rangeNotHonoured();
            if (sentValidator != null && !progress.responseMatches(sentValidator)) {
                progress.contentChanged();
            }
        }
        progress.learnValidator();
        progress.learnCompleteLength(contentLength);
        if (contentLength >= 0 && progress.end() >= 0 && contentLength < progress.end()) {
            fatal(statusText(200) + " with Content-Length " + contentLength + ": the resource ends before the span end "
                    + progress.end(), 200, null);
            return;
        }
        if (contentLength >= 0) {
            progress.learnEnd(contentLength);
        }
        partial = false;
        bodyOffset = 0;
        boolean whole = progress.request().wholeBodyUseful();
        windowStart = whole ? 0 : progress.next();
        windowEnd = whole ? NO_LIMIT : progress.end();
        expectedBodyBytes = contentLength;
    }

    @Override
    protected void onBody(ByteBuf content, boolean last) {
        if (listener.isDone()) {
            // Cancelled: the channel is being closed; do not call the sink any more.
            fatal("cancelled", 0, null);
            return;
        }
        int n = content.readableBytes();
        long p = bodyOffset;
        long q = p + n;
        bodyOffset = q;
        bodyBytes += n;
        long from = Math.max(p, windowStart);
        long to = windowEnd == NO_LIMIT ? q : Math.min(q, windowEnd);
        if (from < to && !deliver(content, (int) (from - p), from, to)) {
            return;
        }
        if (partial && q > windowEnd) {
            fatal(statusText(206) + " body longer than its Content-Range", 206, null);
        } else if (!partial && !progress.request().wholeBodyUseful() && progress.isComplete()) {
            // The server ignored the range: the span is in, the rest of the body is not wanted.
            complete(progress.toResult(uri, attempts), last);
        } else if (last) {
            onBodyEnd();
        }
    }

    private void onBodyEnd() {
        if (!partial && progress.end() < 0) {
            // A 200 without Content-Length: the body's end is the resource's end.
            if (bodyOffset < progress.request().start()) {
                fatal(statusText(200) + ": the resource is " + bodyOffset + " bytes, the span starts at "
                        + progress.request().start(), 200, null);
                return;
            }
            progress.learnEnd(bodyOffset);
            progress.learnCompleteLength(bodyOffset);
        }
        if (progress.isComplete()) {
            complete(progress.toResult(uri, attempts), true);
        } else {
            retryable("response body ended at offset " + bodyOffset + " before the span end " + progress.end(), null);
        }
    }

    private boolean deliver(ByteBuf content, int skip, long from, long to) {
        ByteBuf slice = content.slice(content.readerIndex() + skip, (int) (to - from));
        try {
            sink.onData(from, slice);
        } catch (IOException | RuntimeException e) {
            fatal("sink failed at offset " + from + ": " + describe(e), 0, e);
            return false;
        }
        progress.delivered(from, to);
        return true;
    }

    @Override
    protected String bodyProgress() {
        return " after " + bodyBytes + (expectedBodyBytes >= 0 ? " of " + expectedBodyBytes : "") + " body bytes";
    }
}
