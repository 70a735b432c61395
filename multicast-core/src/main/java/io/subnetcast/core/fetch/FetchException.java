package io.subnetcast.core.fetch;

import java.io.IOException;
import java.net.URI;
import java.util.OptionalInt;

/**
 * A fetch or HEAD request that failed for good: the message names the request (method, URL and
 * span), the HTTP status or the last cause, and, after retries, the number of attempts.
 */
public final class FetchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final URI uri;
    private final int status;
    private final int attempts;

    FetchException(String message, URI uri, int status, int attempts, Throwable cause) {
        super(message, cause);
        this.uri = uri;
        this.status = status;
        this.attempts = attempts;
    }

    /** @return the URL of the request that failed (after redirects) */
    public URI uri() {
        return uri;
    }

    /** @return the HTTP status that caused the failure, empty when it was not an HTTP status */
    public OptionalInt status() {
        return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
    }

    /** @return how many attempts were made, at least 1 */
    public int attempts() {
        return attempts;
    }
}
