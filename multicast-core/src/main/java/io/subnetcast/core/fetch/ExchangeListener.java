package io.subnetcast.core.fetch;

import java.net.URI;

/**
 * How an {@link Exchange} reports its single outcome to the operation that started it. Every call
 * happens after the exchange has given its connection back to the pool or closed it.
 *
 * @param <T> the result of a successful exchange
 */
interface ExchangeListener<T> {
    /** @param value the result; the operation is complete */
    void onComplete(T value);

    /**
     * @param location the Location header, resolved against the request URL
     * @param status the redirect status
     */
    void onRedirect(URI location, int status);

    /**
     * A failure that retrying cannot mend (4xx, malformed 206, TLS trust, the sink failed).
     *
     * @param reason what went wrong, without the request description
     * @param status the HTTP status, 0 if none
     * @param cause the underlying exception, may be null
     */
    void onFatal(String reason, int status, Throwable cause);

    /**
     * A failure that may pass: 5xx, connection lost or stalled, a short body.
     *
     * @param reason what went wrong, without the request description
     * @param status the HTTP status, 0 if none
     * @param cause the underlying exception, may be null
     * @param staleConnection true if a pooled connection died before any response byte arrived:
     *     the server most likely closed it while idle, so it says nothing about the origin's health
     */
    void onRetryable(String reason, int status, Throwable cause, boolean staleConnection);

    /** @return true once the operation is over (completed, failed or cancelled): stop delivering */
    boolean isDone();
}
