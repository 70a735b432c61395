package io.subnetcast.core.fetch;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a {@link HttpFetcher#fetch fetch} ended. It completed: every byte of the requested span was
 * delivered to the sink (and, when the server ignored the range and the request said the whole
 * body is useful, every byte of the body).
 *
 * @param uri the URL that answered, after redirects
 * @param status the status of the last response (206, or 200 when no range was asked or honoured)
 * @param rangeHonoured false if any response answered a range request with 200 (whole body)
 * @param validatorChanged true if an {@code If-Range} was sent and a 200 came back whose validator
 *     differs from it: the content changed on the server, so any bytes delivered before that
 *     response (and any bytes the caller fetched earlier with that validator) belong to another
 *     version; the span was delivered again from the new version
 * @param bytesDelivered the number of bytes passed to the sink over all attempts; can exceed the
 *     span length when a 200 response made the fetcher deliver bytes again or the whole body
 * @param etag the {@code ETag} of the last response, if any
 * @param lastModified the {@code Last-Modified} of the last response, if any
 * @param completeLength the length of the whole resource when a response told it
 * @param attempts the number of attempts, at least 1; redirects and a retry on a fresh connection
 *     after a pooled connection turned out closed do not count
 */
public record FetchResult(URI uri, int status, boolean rangeHonoured, boolean validatorChanged,
        long bytesDelivered, Optional<String> etag, Optional<String> lastModified,
        OptionalLong completeLength, int attempts) {
    /** Checks the components. */
    public FetchResult {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(completeLength, "completeLength");
    }
}
