package io.subnetcast.core.fetch;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;

/** Builds the HTTP/1.1 requests the fetcher sends. */
final class Requests {
    private Requests() {
    }

    /**
     * @param method HEAD or GET
     * @param uri an http(s) URL, already checked by {@link Origin#of}
     * @param userAgent the User-Agent value
     * @param range the Range value, or null for none
     * @param ifRange the If-Range value, or null for none; only sent with a Range
     * @param authorization the Authorization value, or null for none
     * @return the request, keep-alive (the HTTP/1.1 default)
     */
    static HttpRequest build(HttpMethod method, URI uri, String userAgent, String range, String ifRange,
            String authorization) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = request.headers();
        headers.set(HttpHeaderNames.HOST, Origin.of(uri).hostHeader());
        headers.set(HttpHeaderNames.USER_AGENT, userAgent);
        headers.set(HttpHeaderNames.ACCEPT, "*/*");
        // Offsets refer to the stored bytes; a compressed body would make them meaningless.
        headers.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        if (authorization != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        if (range != null) {
            headers.set(HttpHeaderNames.RANGE, range);
            if (ifRange != null) {
                headers.set(HttpHeaderNames.IF_RANGE, ifRange);
            }
        }
        return request;
    }
}
