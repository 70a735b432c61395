package io.subnetcast.core.fetch;

import java.time.Duration;

/**
 * The per-request tuning set on {@link HttpFetcher.Builder}; connection settings (connect timeout,
 * TLS, idle pool size) live in the {@link ConnectionPool}.
 *
 * @param idleTimeout longest wait for the next byte of a response before the attempt counts as stalled
 * @param maxAttempts attempts per request, including the first
 * @param backoff delays between attempts
 * @param maxRedirects redirects followed per request
 * @param userAgent the User-Agent header
 */
record FetchSettings(Duration idleTimeout, int maxAttempts, Backoff backoff, int maxRedirects, String userAgent) {
}
