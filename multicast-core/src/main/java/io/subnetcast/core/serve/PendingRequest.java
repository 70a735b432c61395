package io.subnetcast.core.serve;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The parts of a received request that the answer depends on, kept while earlier responses on
 * the same connection are still being written. Only these strings are kept, not the Netty
 * message, so a queue of pipelined requests stays small.
 */
final class PendingRequest {
    final long number;
    final HttpMethod method;
    final String target;
    final boolean http10;
    final int hostFields;
    /** The Range field lines joined by ", " (RFC 9110 section 5.3), or {@code null}. */
    final String range;
    /** The If-Range field lines joined by ", " (then never matching), or {@code null}. */
    final String ifRange;
    /** The If-None-Match field lines joined by ", ", or {@code null}. */
    final String ifNoneMatch;
    /** The one If-Modified-Since value, or {@code null} when there is none or more than one. */
    final String ifModifiedSince;
    /** The one Authorization value, or {@code null} when there is none or more than one. */
    final String authorization;
    /** Whether the connection may stay open after the response. */
    final boolean keepAlive;
    /** A status decided while reading (bad message, body too large), or {@code null}. */
    final HttpResponseStatus earlyStatus;

    private PendingRequest(long number, HttpMethod method, String target, boolean http10, int hostFields,
            String range, String ifRange, String ifNoneMatch, String ifModifiedSince, String authorization,
            boolean keepAlive, HttpResponseStatus earlyStatus) {
        this.number = number;
        this.method = method;
        this.target = target;
        this.http10 = http10;
        this.hostFields = hostFields;
        this.range = range;
        this.ifRange = ifRange;
        this.ifNoneMatch = ifNoneMatch;
        this.ifModifiedSince = ifModifiedSince;
        this.authorization = authorization;
        this.keepAlive = keepAlive;
        this.earlyStatus = earlyStatus;
    }

    static PendingRequest of(long number, HttpRequest request) {
        HttpHeaders headers = request.headers();
        return new PendingRequest(number, request.method(), request.uri(),
                HttpVersion.HTTP_1_0.equals(request.protocolVersion()),
                headers.getAll(HttpHeaderNames.HOST).size(),
                joined(headers.getAll(HttpHeaderNames.RANGE)),
                joined(headers.getAll(HttpHeaderNames.IF_RANGE)),
                joined(headers.getAll(HttpHeaderNames.IF_NONE_MATCH)),
                single(headers.getAll(HttpHeaderNames.IF_MODIFIED_SINCE)),
                single(headers.getAll(HttpHeaderNames.AUTHORIZATION)),
                HttpUtil.isKeepAlive(request), null);
    }

    /** The same request, to be refused with {@code status} and the connection closed after. */
    PendingRequest refusedWith(HttpResponseStatus status) {
        return new PendingRequest(number, method, target, http10, hostFields, range, ifRange, ifNoneMatch,
                ifModifiedSince, authorization, false, status);
    }

    boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }

    boolean isGetOrHead() {
        return HttpMethod.GET.equals(method) || isHead();
    }

    private static String single(List<String> values) {
        return values.size() == 1 ? values.get(0) : null;
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(", ", values);
    }
}
