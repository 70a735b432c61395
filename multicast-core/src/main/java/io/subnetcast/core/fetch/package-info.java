/**
 * HTTP/1.1 fetching of whole packages and byte ranges, from the origin and from peers.
 *
 * <p>{@link io.subnetcast.core.fetch.HttpFetcher} sends HEAD and ranged GET requests (RFC 9110
 * sections 14 and 15) and streams each body piece straight into a
 * {@link io.subnetcast.core.fetch.BodySink} at its absolute offset, so heap use does not grow with
 * the package size. Servers are not trusted: a 206 must carry exactly the requested
 * {@link io.subnetcast.core.fetch.ContentRange}, header sizes and redirects are bounded, and a server
 * that ignores the range is handled (the whole body is delivered when useful, else only the span).
 * Failures that may pass (5xx, lost or stalled connections, short bodies) are retried with
 * exponential backoff and jitter and resume at the first byte not yet delivered, with the same
 * {@code If-Range} validator so that two versions are never stitched together.
 *
 * <p>Inside, an {@code Operation} runs the attempts of one request, an {@code Exchange} is one
 * request and response on one connection, and a {@code ConnectionPool} keeps idle keep-alive
 * connections per origin.
 */
package io.subnetcast.core.fetch;
