package io.subnetcast.core.fetch;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What a HEAD request learned about a resource.
 *
 * @param uri the URL that answered, after redirects
 * @param status the final HTTP status (a 2xx)
 * @param length the resource length from {@code Content-Length}
 * @param etag the {@code ETag}, if any, exactly as sent (usable as an If-Range validator when strong)
 * @param lastModified the {@code Last-Modified} date, if any, exactly as sent
 * @param acceptsRanges true when the server announced {@code Accept-Ranges: bytes}
 */
public record ResourceInfo(URI uri, int status, long length, Optional<String> etag,
        Optional<String> lastModified, boolean acceptsRanges) {
    /** Checks the components. */
    public ResourceInfo {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
    }

    /**
     * @return the validator to send as {@code If-Range}: the ETag when it is strong, else the
     *     Last-Modified date, else empty
     */
    public Optional<String> rangeValidator() {
        if (etag.isPresent() && Validators.isStrongEtag(etag.get())) {
            return etag;
        }
        return lastModified;
    }
}
