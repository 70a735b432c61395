package io.subnetcast.core.fetch;

import io.subnetcast.core.wire.LogSafe;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A parsed {@code Content-Range} response header for the {@code bytes} unit (RFC 9110 section
 * 14.4): either a satisfied range {@code bytes first-last/complete} (where {@code complete} may be
 * {@code *} when unknown) or an unsatisfied one {@code bytes *}{@code /complete}, as sent with a 416.
 *
 * <p>The value comes from a server we do not trust, so {@link #parse} is strict: exactly the
 * grammar, at most {@value #MAX_DIGITS} digits per number (so no value can overflow a {@code long}),
 * {@code first <= last < complete}, and nothing before or after.
 */
public final class ContentRange {
    /** Most digits accepted in one number: {@code 10^18 - 1} still fits a {@code long}. */
    public static final int MAX_DIGITS = 18;
    /** Longest header value looked at; anything longer cannot be a valid byte range. */
    static final int MAX_VALUE_LENGTH = 6 + 3 * MAX_DIGITS + 2 + 16;

    private static final long UNKNOWN = -1;

    private final long first;
    private final long last;
    private final long completeLength;

    private ContentRange(long first, long last, long completeLength) {
        this.first = first;
        this.last = last;
        this.completeLength = completeLength;
    }

    /**
     * Creates a satisfied range.
     *
     * @param first offset of the first byte
     * @param last offset of the last byte (inclusive)
     * @param completeLength length of the whole representation, or -1 when unknown
     * @return the range
     * @throws IllegalArgumentException unless {@code 0 <= first <= last} and, when the length is
     *     known, {@code last < completeLength}
     */
    public static ContentRange of(long first, long last, long completeLength) {
        if (first < 0 || last < first || completeLength < UNKNOWN
                || (completeLength != UNKNOWN && last >= completeLength)) {
            throw new IllegalArgumentException("not a valid byte range: " + first + "-" + last + "/"
                    + (completeLength == UNKNOWN ? "*" : completeLength));
        }
        return new ContentRange(first, last, completeLength);
    }

    /**
     * Creates an unsatisfied range, as a 416 carries it.
     *
     * @param completeLength length of the whole representation, zero or more
     * @return the range
     */
    public static ContentRange unsatisfied(long completeLength) {
        if (completeLength < 0) {
            throw new IllegalArgumentException("complete length must not be negative: " + completeLength);
        }
        return new ContentRange(UNKNOWN, UNKNOWN, completeLength);
    }

    /**
     * Parses a header value.
     *
     * @param value the header value, optional whitespace around it allowed
     * @return the range
     * @throws IllegalArgumentException naming the problem if the value is not a valid byte range
     */
    public static ContentRange parse(CharSequence value) {
        if (value == null) {
            throw new IllegalArgumentException("no Content-Range");
        }
        String s = trimOws(value);
        if (s.length() > MAX_VALUE_LENGTH) {
            throw invalid(value, "too long");
        }
        if (s.length() < 6 || !s.substring(0, 6).toLowerCase(Locale.ROOT).equals("bytes ")) {
            throw invalid(value, "unit is not 'bytes '");
        }
        int slash = s.indexOf('/', 6);
        if (slash < 0) {
            throw invalid(value, "no '/'");
        }
        String range = s.substring(6, slash);
        String complete = s.substring(slash + 1);
        long completeLength = complete.equals("*") ? UNKNOWN : number(value, complete, "complete length");
        if (range.equals("*")) {
            if (completeLength == UNKNOWN) {
                throw invalid(value, "neither range nor length given");
            }
            return new ContentRange(UNKNOWN, UNKNOWN, completeLength);
        }
        int dash = range.indexOf('-');
        if (dash < 0) {
            throw invalid(value, "no '-' in range");
        }
        long first = number(value, range.substring(0, dash), "first byte");
        long last = number(value, range.substring(dash + 1), "last byte");
        if (last < first) {
            throw invalid(value, "last byte before first byte");
        }
        if (completeLength != UNKNOWN && last >= completeLength) {
            throw invalid(value, "last byte not below complete length");
        }
        return new ContentRange(first, last, completeLength);
    }

    /** @return true for {@code bytes first-last/...}, false for {@code bytes *}{@code /len} */
    public boolean isSatisfied() {
        return first != UNKNOWN;
    }

    /**
     * @return the offset of the first byte
     * @throws IllegalStateException if the range is unsatisfied
     */
    public long first() {
        requireSatisfied();
        return first;
    }

    /**
     * @return the offset of the last byte, inclusive
     * @throws IllegalStateException if the range is unsatisfied
     */
    public long last() {
        requireSatisfied();
        return last;
    }

    /**
     * @return {@code last - first + 1}
     * @throws IllegalStateException if the range is unsatisfied
     */
    public long length() {
        requireSatisfied();
        return last - first + 1;
    }

    /** @return the complete length of the representation, empty when the server sent {@code *} */
    public OptionalLong completeLength() {
        return completeLength == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(completeLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentRange other && other.first == first && other.last == last
                && other.completeLength == completeLength;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(first) * 31 * 31 + Long.hashCode(last) * 31 + Long.hashCode(completeLength);
    }

    /** @return the header form, e.g. {@code bytes 0-99/1000} */
    @Override
    public String toString() {
        String length = completeLength == UNKNOWN ? "*" : Long.toString(completeLength);
        return isSatisfied() ? "bytes " + first + "-" + last + "/" + length : "bytes */" + length;
    }

    private void requireSatisfied() {
        if (!isSatisfied()) {
            throw new IllegalStateException("unsatisfied range has no bytes: " + this);
        }
    }

    private static long number(CharSequence value, String digits, String what) {
        if (digits.isEmpty()) {
            throw invalid(value, what + " missing");
        }
        if (digits.length() > MAX_DIGITS) {
            throw invalid(value, what + " has more than " + MAX_DIGITS + " digits");
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            // Character.isDigit would accept non-ASCII digits; the grammar is DIGIT only.
            if (c < '0' || c > '9') {
                throw invalid(value, what + " is not a number");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static String trimOws(CharSequence value) {
        int start = 0;
        int end = value.length();
        while (start < end && isOws(value.charAt(start))) {
            start++;
        }
        while (end > start && isOws(value.charAt(end - 1))) {
            end--;
        }
        return value.subSequence(start, end).toString();
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static IllegalArgumentException invalid(CharSequence value, String reason) {
        return new IllegalArgumentException("invalid Content-Range '" + LogSafe.of(value) + "': " + reason);
    }
}
