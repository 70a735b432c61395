package io.subnetcast.core.fetch;

import io.subnetcast.core.wire.LogSafe;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to fetch: a URL and a byte span of it, {@code [start, endExclusive)}, or everything from
 * {@code start} to the end of the resource; optionally an {@code If-Range} validator, and whether
 * the whole body is useful when a server ignores the range. Immutable.
 */
public final class FetchRequest {
    private static final long OPEN = -1;

    private final URI uri;
    private final long start;
    private final long endExclusive;
    private final String ifRange;
    private final boolean wholeBodyUseful;
    private final String authorization;

    private FetchRequest(URI uri, long start, long endExclusive, String ifRange, boolean wholeBodyUseful) {
        this(uri, start, endExclusive, ifRange, wholeBodyUseful, null);
    }

    private FetchRequest(URI uri, long start, long endExclusive, String ifRange, boolean wholeBodyUseful,
            String authorization) {
        this.uri = uri;
        this.start = start;
        this.endExclusive = endExclusive;
        this.ifRange = ifRange;
        this.wholeBodyUseful = wholeBodyUseful;
        this.authorization = authorization;
    }

    /**
     * Asks for the bytes {@code [start, endExclusive)}.
     *
     * @param uri an absolute http or https URL
     * @param start offset of the first byte, zero or more
     * @param endExclusive offset after the last byte, above {@code start}
     * @return the request
     * @throws IllegalArgumentException if the URL is not http(s) or the span is empty or negative
     */
    public static FetchRequest span(URI uri, long start, long endExclusive) {
        Origin.of(uri);
        if (start < 0 || endExclusive <= start) {
            throw new IllegalArgumentException("span must satisfy 0 <= start < endExclusive: ["
                    + start + ", " + endExclusive + ")");
        }
        return new FetchRequest(uri, start, endExclusive, null, false);
    }

    /**
     * Asks for the bytes from {@code start} to the end of the resource.
     *
     * @param uri an absolute http or https URL
     * @param start offset of the first byte, zero or more
     * @return the request
     * @throws IllegalArgumentException if the URL is not http(s) or {@code start} is negative
     */
    public static FetchRequest from(URI uri, long start) {
        Origin.of(uri);
        if (start < 0) {
            throw new IllegalArgumentException("start must not be negative: " + start);
        }
        return new FetchRequest(uri, start, OPEN, null, false);
    }

    /**
     * Asks for the whole resource (no Range header unless a retry resumes it).
     *
     * @param uri an absolute http or https URL
     * @return the request
     * @throws IllegalArgumentException if the URL is not http(s)
     */
    public static FetchRequest whole(URI uri) {
        return from(uri, 0);
    }

    /**
     * Returns a copy that sends {@code If-Range}: the server then answers 206 only if the resource
     * still matches, and 200 with the new content otherwise, reported as
     * {@link FetchResult#validatorChanged()}.
     *
     * @param validator a strong ETag ({@code "..."}) or a Last-Modified date, exactly as the server
     *     sent it
     * @return the copy
     * @throws IllegalArgumentException for a weak ETag (RFC 9110 forbids it in If-Range) or a value
     *     that is empty, too long or holds control characters
     */
    public FetchRequest withIfRange(String validator) {
        Objects.requireNonNull(validator, "validator");
        if (!Validators.isSafeHeaderValue(validator)) {
            throw new IllegalArgumentException("If-Range validator must be 1 to " + Validators.MAX_LENGTH
                    + " visible ASCII characters: '" + LogSafe.of(validator) + "'");
        }
        if (Validators.isEtag(validator) && !Validators.isStrongEtag(validator)) {
            throw new IllegalArgumentException("If-Range needs a strong ETag, not " + LogSafe.of(validator));
        }
        return new FetchRequest(uri, start, endExclusive, validator, wholeBodyUseful, authorization);
    }

    /**
     * Returns a copy that says what to do when a server ignores the range and sends the whole body
     * with 200: deliver all of it (true; the package downloader wants it), or deliver only the span
     * and close that connection as soon as the span is complete (false, the default).
     *
     * @param useful whether the whole body is useful
     * @return the copy
     */
    public FetchRequest withWholeBodyUseful(boolean useful) {
        return new FetchRequest(uri, start, endExclusive, ifRange, useful, authorization);
    }

    /**
     * Returns a copy that sends {@code Authorization} with this value, to the request's own origin
     * only: a redirect to another scheme, host or port does not carry it.
     *
     * @param value the field value, e.g. a peer's token; null for none
     * @return the copy
     * @throws IllegalArgumentException for a value that is empty, too long or holds control characters
     */
    public FetchRequest withAuthorization(String value) {
        if (value != null && !Validators.isSafeHeaderValue(value)) {
            throw new IllegalArgumentException("Authorization must be 1 to " + Validators.MAX_LENGTH
                    + " visible ASCII characters");
        }
        return new FetchRequest(uri, start, endExclusive, ifRange, wholeBodyUseful, value);
    }

    /**
     * @param target where the request goes now, after any redirects
     * @return the Authorization value to send there, or null
     */
    String authorizationFor(URI target) {
        return authorization != null && Origin.of(target).equals(Origin.of(uri)) ? authorization : null;
    }

    /** @return the URL */
    public URI uri() {
        return uri;
    }

    /** @return offset of the first byte asked for */
    public long start() {
        return start;
    }

    /** @return offset after the last byte asked for, empty when the span runs to the end */
    public OptionalLong endExclusive() {
        return endExclusive == OPEN ? OptionalLong.empty() : OptionalLong.of(endExclusive);
    }

    /** @return the If-Range validator, if any */
    public Optional<String> ifRange() {
        return Optional.ofNullable(ifRange);
    }

    /** @return whether a whole body sent instead of the span is delivered */
    public boolean wholeBodyUseful() {
        return wholeBodyUseful;
    }

    /** @return the span in Range header notation, e.g. {@code bytes=0-99}, {@code bytes=100-} */
    String spanText() {
        return "bytes=" + start + "-" + (endExclusive == OPEN ? "" : Long.toString(endExclusive - 1));
    }

    @Override
    public String toString() {
        return "GET " + uri + " " + spanText() + (ifRange == null ? "" : " If-Range " + ifRange)
                + (wholeBodyUseful ? " (whole body useful)" : "");
    }
}
