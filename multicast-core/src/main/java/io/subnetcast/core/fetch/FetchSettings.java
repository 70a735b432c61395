package io.subnetcast.core.fetch;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * The fetcher's tuning, as set on {@link HttpFetcher.Builder}.
 *
 * @param connectTimeout limit for the TCP connect and, separately, the TLS handshake
 * @param idleTimeout longest wait for the next byte of a response before the attempt counts as stalled
 * @param maxAttempts attempts per request, including the first
 * @param backoff delays between attempts
 * @param maxRedirects redirects followed per request
 * @param sslContext TLS client context for https
 * @param userAgent the User-Agent header
 */
record FetchSettings(Duration connectTimeout, Duration idleTimeout, int maxAttempts, Backoff backoff,
        int maxRedirects, SslContext sslContext, String userAgent) {
}
