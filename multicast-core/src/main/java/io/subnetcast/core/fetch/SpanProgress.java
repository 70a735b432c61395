package io.subnetcast.core.fetch;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one fetch has achieved over all its attempts: the first span byte not yet delivered (where
 * a retry resumes), the validator to resume with, and the facts reported in the
 * {@link FetchResult}. Attempts run one after another, so at most one thread touches it at a time.
 */
final class SpanProgress {
    private static final long UNKNOWN = -1;

    private final FetchRequest request;
    private long end;
    private long next;
    private String validator;
    private long bytesDelivered;
    private boolean rangeHonoured = true;
    private boolean validatorChanged;
    private int status;
    private Optional<String> etag = Optional.empty();
    private Optional<String> lastModified = Optional.empty();
    private long completeLength = UNKNOWN;

    SpanProgress(FetchRequest request) {
        this.request = request;
        this.end = request.endExclusive().orElse(UNKNOWN);
        this.next = request.start();
        this.validator = request.ifRange().orElse(null);
    }

    FetchRequest request() {
        return request;
    }

    /** @return the first span byte not yet delivered */
    long next() {
        return next;
    }

    /** @return the end of the span, -1 while an open span has not learned it */
    long end() {
        return end;
    }

    /** @return true once every span byte was delivered */
    boolean isComplete() {
        return end != UNKNOWN && next >= end;
    }

    /** @return the Range header for the next attempt, null to ask for the whole resource */
    String rangeHeader() {
        if (next == 0 && end == UNKNOWN) {
            return null;
        }
        return "bytes=" + next + "-" + (end == UNKNOWN ? "" : Long.toString(end - 1));
    }

    /** @return the If-Range header for the next attempt, null for none */
    String ifRangeHeader() {
        return rangeHeader() == null ? null : validator;
    }

    /** Records the validators and status of a 2xx response. */
    void noteResponse(int status, Optional<String> etag, Optional<String> lastModified) {
        this.status = status;
        this.etag = etag;
        this.lastModified = lastModified;
    }

    /**
     * Keeps a validator from the response for resuming, unless one is set already: a resumed
     * request then carries If-Range, so that a change on the server between attempts is noticed
     * rather than stitched together from two versions.
     */
    void learnValidator() {
        if (validator != null) {
            return;
        }
        if (etag.isPresent() && Validators.isStrongEtag(etag.get())) {
            validator = etag.get();
        } else if (lastModified.isPresent()) {
            validator = lastModified.get();
        }
    }

    /**
     * @param sent the If-Range value that was sent
     * @return true if the last response carries the same validator, i.e. its content did not change
     */
    boolean responseMatches(String sent) {
        Optional<String> current = Validators.isEtag(sent) ? etag : lastModified;
        return current.isPresent() && current.get().equals(sent);
    }

    /** A range request was answered with the whole body. */
    void rangeNotHonoured() {
        rangeHonoured = false;
    }

    /**
     * The content changed between attempts (or since the caller's validator was taken): the span
     * starts over with the new version, and a new validator is learned from it.
     */
    void contentChanged() {
        validatorChanged = true;
        next = request.start();
        end = request.endExclusive().orElse(UNKNOWN);
        validator = null;
        completeLength = UNKNOWN;
    }

    /** @param endExclusive the end of an open span, learned from a response */
    void learnEnd(long endExclusive) {
        if (end == UNKNOWN) {
            end = endExclusive;
        }
    }

    /** @param length the complete length of the resource, -1 if unknown */
    void learnCompleteLength(long length) {
        if (length >= 0) {
            completeLength = length;
        }
    }

    /** Bytes {@code [from, to)} went to the sink. */
    void delivered(long from, long to) {
        bytesDelivered += to - from;
        if (from <= next && to > next) {
            next = end == UNKNOWN ? to : Math.min(to, end);
        }
    }

    /** @return the bytes delivered over all attempts */
    long bytesDelivered() {
        return bytesDelivered;
    }

    FetchResult toResult(URI uri, int attempts) {
        return new FetchResult(uri, status, rangeHonoured, validatorChanged, bytesDelivered, etag, lastModified,
                completeLength == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(completeLength), attempts);
    }
}
