package io.subnetcast.core.serve;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A decided response: status, complete headers, and where the body comes from (a short text or
 * a span of a resource). Deciding and writing are separate so that the decisions can be tested
 * without sockets.
 */
final class Reply {
    final HttpResponseStatus status;
    final HttpHeaders headers;
    /** The body of an error or notice, or {@code null} when the body is a file span. */
    final byte[] text;
    final Resource resource;
    final long start;
    final long count;
    /** {@code false} for HEAD: headers as for GET, no body. */
    final boolean sendBody;
    /** Whether the connection is closed after this response. */
    final boolean close;

    private Reply(HttpResponseStatus status, HttpHeaders headers, byte[] text, Resource resource, long start,
            long count, boolean sendBody, boolean close) {
        this.status = status;
        this.headers = headers;
        this.text = text;
        this.resource = resource;
        this.start = start;
        this.count = count;
        this.sendBody = sendBody;
        this.close = close;
    }

    static Reply text(HttpResponseStatus status, HttpHeaders headers, byte[] text, boolean sendBody, boolean close) {
        return new Reply(status, headers, text, null, 0, text.length, sendBody, close);
    }

    static Reply file(HttpResponseStatus status, HttpHeaders headers, Resource resource, long start, long count,
            boolean sendBody, boolean close) {
        return new Reply(status, headers, null, resource, start, count, sendBody, close);
    }

    /** @return the number of body bytes this reply writes */
    long bodyBytes() {
        return sendBody ? count : 0;
    }
}
