package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** A HEAD request: learns length, validators and range support. */
final class HeadExchange extends Exchange<ResourceInfo> {
    private ResourceInfo info;

    HeadExchange(Lease lease, URI uri, ConnectionPool pool, Duration idleTimeout,
            ExchangeListener<ResourceInfo> listener) {
        super(lease, uri, pool, idleTimeout, listener);
    }

    /**
     * @return the request to send
     */
    @Override
    HttpRequest request(String userAgent) {
        return Requests.build(HttpMethod.HEAD, uri, userAgent, null, null, null);
    }

    @Override
    protected void onSuccessHeaders(HttpResponse r) {
        int code = r.status().code();
        if (!r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            fatal(statusText(code) + " without Content-Length: the resource length is unknown", code, null);
            return;
        }
        long length = HttpUtil.getContentLength(r, -1L);
        boolean ranges = r.headers().containsValue(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES, true);
        info = new ResourceInfo(uri, code, length, validator(r, HttpHeaderNames.ETAG),
                validator(r, HttpHeaderNames.LAST_MODIFIED), ranges);
    }

    @Override
    protected void onBody(ByteBuf content, boolean last) {
        // A HEAD response has no body; the codec ends it at once.
        if (last) {
            complete(info, true);
        }
    }

    static Optional<String> validator(HttpResponse r, CharSequence name) {
        String value = r.headers().get(name);
        return value != null && Validators.isSafeHeaderValue(value) ? Optional.of(value) : Optional.empty();
    }
}
