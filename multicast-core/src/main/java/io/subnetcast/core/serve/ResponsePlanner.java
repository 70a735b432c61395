package io.subnetcast.core.serve;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.subnetcast.core.http.RangeHeader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the response to one request: method, target, resource, {@code If-Range}, {@code Range},
 * held spans, in the order RFC 9110 section 13.2.2 evaluates them. Every reply it builds carries
 * {@code Content-Length}, {@code Date} and the connection decision; none is ever chunked.
 *
 * <p>Conditional GETs are evaluated as section 13.2.2 orders them: {@code If-None-Match}, else
 * {@code If-Modified-Since}, may answer {@code 304 Not Modified}; then {@code If-Range} and
 * {@code Range}. {@code If-Match} and {@code If-Unmodified-Since} (for state-changing requests) are
 * not: this server changes nothing.
 */
final class ResponsePlanner {
    private static final Logger LOG = LoggerFactory.getLogger(ResponsePlanner.class);
    static final String ALLOWED_METHODS = "GET, HEAD";
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    // Field names are case-insensitive, but the conventional spelling costs nothing and helps
    // old clients and people reading captures; Netty's own constants are lower case.
    private static final String DATE = "Date";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String CONNECTION = "Connection";
    private static final String ACCEPT_RANGES = "Accept-Ranges";
    private static final String ETAG = "ETag";
    private static final String LAST_MODIFIED = "Last-Modified";
    private static final String CONTENT_RANGE = "Content-Range";
    private static final String ALLOW = "Allow";

    private final ResourceResolver resolver;
    private final RequestAuthorizer authorizer;

    ResponsePlanner(ResourceResolver resolver) {
        this(resolver, RequestAuthorizer.ANYONE);
    }

    ResponsePlanner(ResourceResolver resolver, RequestAuthorizer authorizer) {
        this.resolver = resolver;
        this.authorizer = authorizer;
    }

    Reply plan(PendingRequest request, Instant now) {
        if (request.earlyStatus != null) {
            return error(request, now, request.earlyStatus, reason(request.earlyStatus));
        }
        if (!request.isGetOrHead()) {
            return error(request, now, HttpResponseStatus.METHOD_NOT_ALLOWED, reason(HttpResponseStatus.METHOD_NOT_ALLOWED));
        }
        // RFC 9112 section 3.2: an HTTP/1.1 request without exactly one Host gets 400.
        if (request.hostFields > 1 || (!request.http10 && request.hostFields != 1)) {
            return error(request, now, HttpResponseStatus.BAD_REQUEST, "exactly one Host header is required");
        }
        RequestTarget target = RequestTarget.parse(request.target);
        if (target.refusal() != null) {
            return error(request, now, target.refusal(), target.refusal() == HttpResponseStatus.FORBIDDEN
                    ? "path refused" : "malformed request target");
        }
        try {
            if (!authorizer.permits(target.path(), request.authorization)) {
                return error(request, now, HttpResponseStatus.FORBIDDEN, "not authorized");
            }
            Optional<Resource> found = resolver.resolve(target.path());
            if (found.isEmpty()) {
                return error(request, now, HttpResponseStatus.NOT_FOUND, "not found");
            }
            return planResource(request, found.get(), now);
        } catch (RuntimeException e) {
            LOG.warn("resolving {} failed", target.path(), e);
            return error(request, now, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    private Reply planResource(PendingRequest request, Resource resource, Instant now) {
        if (Preconditions.notModified(request.ifNoneMatch, request.ifModifiedSince, resource, now)) {
            return notModified(request, resource, now);
        }
        long length = resource.length();
        RangeHeader.Result range = RangeHeader.Result.NONE;
        // Range is defined for GET only; HEAD must ignore it (RFC 9110 section 14.2).
        boolean rangeApplies = HttpMethod.GET.equals(request.method) && request.range != null
                && (request.ifRange == null || IfRange.permitsRange(request.ifRange, resource, now));
        if (rangeApplies) {
            range = RangeHeader.parse(request.range, length);
        }
        if (range.kind() == RangeHeader.Result.Kind.UNSATISFIABLE) {
            Reply reply = error(request, now, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "range not satisfiable");
            reply.headers.set(CONTENT_RANGE, RangeHeader.unsatisfiedContentRange(length));
            return reply;
        }
        boolean partial = range.kind() == RangeHeader.Result.Kind.SATISFIABLE;
        long start = partial ? range.start() : 0;
        long count = partial ? range.length() : length;
        if (!resource.holds(start, start + count)) {
            return error(request, now, HttpResponseStatus.NOT_FOUND, "range not held here");
        }
        HttpHeaders headers = common(request, now, count);
        headers.set(CONTENT_TYPE, OCTET_STREAM);
        headers.set(ACCEPT_RANGES, HttpHeaderValues.BYTES);
        headers.set(ETAG, resource.etag());
        headers.set(LAST_MODIFIED, DateFormatter.format(Date.from(resource.lastModified())));
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (partial) {
            status = HttpResponseStatus.PARTIAL_CONTENT;
            headers.set(CONTENT_RANGE,
                    RangeHeader.contentRange(range.start(), range.endInclusive(), length));
        }
        return Reply.file(status, headers, resource, start, count, !request.isHead(), !request.keepAlive);
    }

    /** 304: the validators, no body and so no Content-Length (RFC 9110 section 15.4.5). */
    private static Reply notModified(PendingRequest request, Resource resource, Instant now) {
        HttpHeaders headers = common(request, now, 0);
        headers.remove(CONTENT_LENGTH);
        headers.set(ETAG, resource.etag());
        headers.set(LAST_MODIFIED, DateFormatter.format(Date.from(resource.lastModified())));
        return Reply.text(HttpResponseStatus.NOT_MODIFIED, headers, new byte[0], false, !request.keepAlive);
    }

    /** A short text answer; the connection stays open when the request allows it. */
    static Reply error(PendingRequest request, Instant now, HttpResponseStatus status, String message) {
        byte[] text = (status.code() + " " + status.reasonPhrase() + ": " + message + "\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = common(request, now, text.length);
        headers.set(CONTENT_TYPE, TEXT_PLAIN);
        if (status.code() == HttpResponseStatus.METHOD_NOT_ALLOWED.code()) {
            headers.set(ALLOW, ALLOWED_METHODS);
        }
        return Reply.text(status, headers, text, !request.isHead(), !request.keepAlive);
    }

    private static HttpHeaders common(PendingRequest request, Instant now, long contentLength) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(DATE, DateFormatter.format(Date.from(now)));
        headers.set(CONTENT_LENGTH, contentLength);
        if (!request.keepAlive) {
            headers.set(CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.http10) {
            // HTTP/1.0 closes by default; say explicitly that this connection stays open.
            headers.set(CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return headers;
    }

    private static String reason(HttpResponseStatus status) {
        switch (status.code()) {
            case 405:
                return "only GET and HEAD are served";
            case 413:
                return "GET and HEAD take no request body";
            case 414:
                return "request line too long";
            case 431:
                return "request header fields too large";
            default:
                return "malformed request";
        }
    }
}
