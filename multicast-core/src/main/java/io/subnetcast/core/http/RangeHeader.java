package io.subnetcast.core.http;

import java.util.Locale;

/**
 * Parser for the {@code Range} request header (RFC 9110 section 14.2) restricted to what a file
 * cache needs: one byte range.
 *
 * <p>The outcome is one of three {@link Result.Kind kinds}:
 * <ul>
 *   <li>{@link Result.Kind#NONE}: no header, or a header the server ignores and answers with the
 *       whole representation (200). RFC 9110 lets a server ignore {@code Range} entirely, so every
 *       input this parser does not fully understand lands here: a unit other than {@code bytes},
 *       broken syntax, {@code last-pos < first-pos}, and requests for more than one range.
 *       Answering several ranges would need {@code multipart/byteranges}; the Windows ISV file
 *       cache never asks for it and clients fall back to the whole file.</li>
 *   <li>{@link Result.Kind#SATISFIABLE}: exactly one range that overlaps the representation,
 *       clamped to its end; answer 206.</li>
 *   <li>{@link Result.Kind#UNSATISFIABLE}: exactly one well-formed range that does not overlap
 *       (first-pos at or beyond the length, a zero suffix length, or any range of an empty
 *       representation); answer 416 with {@code Content-Range: bytes *}{@code /length}.</li>
 * </ul>
 *
 * <p>The input is hostile. Only ASCII digits count as digits; numbers of any length are read with
 * saturating arithmetic (a value beyond {@link Long#MAX_VALUE} is treated as {@code Long.MAX_VALUE},
 * which is beyond every real length), so nothing overflows and nothing throws; whitespace is
 * accepted only where the RFC list syntax allows it (around commas and at either end of the
 * value), never inside a range or around {@code =}.
 */
public final class RangeHeader {
    private static final String BYTES_UNIT = "bytes";

    private RangeHeader() {
    }

    /**
     * Parses a {@code Range} header value against a representation of the given length.
     *
     * @param headerValue the field value, or {@code null} when the request has none
     * @param length the current length of the representation in bytes, at least zero
     * @return what to answer; never {@code null}
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static Result parse(String headerValue, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        if (headerValue == null) {
            return Result.NONE;
        }
        String value = trimOws(headerValue);
        int equals = value.indexOf('=');
        if (equals <= 0) {
            return Result.NONE;
        }
        // Range units are case-insensitive (RFC 9110 section 14.1); no whitespace before '='.
        if (!value.substring(0, equals).toLowerCase(Locale.ROOT).equals(BYTES_UNIT)) {
            return Result.NONE;
        }
        String single = singleElement(value.substring(equals + 1));
        if (single == null) {
            return Result.NONE;
        }
        return parseRangeSpec(single, length);
    }

    /**
     * Formats a {@code Content-Range} value for a satisfied range: {@code bytes a-b/length}.
     *
     * @param start the first byte sent
     * @param endInclusive the last byte sent
     * @param length the complete length of the representation
     * @return the field value
     */
    public static String contentRange(long start, long endInclusive, long length) {
        return BYTES_UNIT + ' ' + start + '-' + endInclusive + '/' + length;
    }

    /**
     * Formats a {@code Content-Range} value for a 416 answer: {@code bytes *}{@code /length}.
     *
     * @param length the complete length of the representation
     * @return the field value
     */
    public static String unsatisfiedContentRange(long length) {
        return BYTES_UNIT + " */" + length;
    }

    /**
     * Splits a range-set by commas, accepting empty list elements as RFC 9110 section 5.6.1.2
     * requires of recipients, and returns the one non-empty element, or {@code null} when there
     * are none or several.
     */
    private static String singleElement(String rangeSet) {
        String found = null;
        int from = 0;
        while (from <= rangeSet.length()) {
            int comma = rangeSet.indexOf(',', from);
            int to = comma < 0 ? rangeSet.length() : comma;
            String element = trimOws(rangeSet.substring(from, to));
            if (!element.isEmpty()) {
                if (found != null) {
                    return null;
                }
                found = element;
            }
            if (comma < 0) {
                break;
            }
            from = comma + 1;
        }
        return found;
    }

    private static Result parseRangeSpec(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Result.NONE;
        }
        String first = spec.substring(0, dash);
        String last = spec.substring(dash + 1);
        if (first.isEmpty()) {
            return suffixRange(last, length);
        }
        long firstPos = parseDigits(first);
        if (firstPos < 0) {
            return Result.NONE;
        }
        long lastPos;
        if (last.isEmpty()) {
            lastPos = Long.MAX_VALUE;
        } else {
            lastPos = parseDigits(last);
            if (lastPos < 0 || lastPos < firstPos) {
                // RFC 9110 section 14.1.1: last-pos < first-pos makes the range-spec invalid.
                return Result.NONE;
            }
        }
        if (firstPos >= length) {
            return Result.UNSATISFIABLE;
        }
        return Result.satisfiable(firstPos, Math.min(lastPos, length - 1));
    }

    private static Result suffixRange(String suffix, long length) {
        long suffixLength = parseDigits(suffix);
        if (suffixLength < 0) {
            return Result.NONE;
        }
        if (suffixLength == 0 || length == 0) {
            return Result.UNSATISFIABLE;
        }
        // A suffix longer than the representation selects all of it (RFC 9110 section 14.1.2).
        return Result.satisfiable(length - Math.min(suffixLength, length), length - 1);
    }

    /**
     * Reads {@code 1*DIGIT} with saturation at {@link Long#MAX_VALUE}.
     *
     * @return the value, or -1 when the text is empty or holds anything but ASCII digits
     */
    private static long parseDigits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                value = Long.MAX_VALUE;
            } else {
                value = value * 10 + digit;
            }
        }
        return value;
    }

    /** Removes optional whitespace (SP and HTAB only, RFC 9110 section 5.6.3) at both ends. */
    private static String trimOws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isOws(text.charAt(start))) {
            start++;
        }
        while (end > start && isOws(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** What to answer to a request, given its {@code Range} header and the representation. */
    public static final class Result {
        /** The three possible answers. */
        public enum Kind {
            /** Serve the whole representation with 200. */
            NONE,
            /** Serve {@link #start()} to {@link #endInclusive()} with 206. */
            SATISFIABLE,
            /** Answer 416 with {@code Content-Range: bytes *}{@code /length}. */
            UNSATISFIABLE
        }

        /** No usable range: serve the whole representation. */
        public static final Result NONE = new Result(Kind.NONE, -1, -1);
        /** A well-formed range that does not overlap the representation. */
        public static final Result UNSATISFIABLE = new Result(Kind.UNSATISFIABLE, -1, -1);

        private final Kind kind;
        private final long start;
        private final long endInclusive;

        private Result(Kind kind, long start, long endInclusive) {
            this.kind = kind;
            this.start = start;
            this.endInclusive = endInclusive;
        }

        /**
         * A satisfiable range.
         *
         * @param start the first byte, at least zero
         * @param endInclusive the last byte, at least {@code start}
         * @return the result
         * @throws IllegalArgumentException if the bounds are out of order or negative
         */
        public static Result satisfiable(long start, long endInclusive) {
            if (start < 0 || endInclusive < start) {
                throw new IllegalArgumentException("bad range " + start + "-" + endInclusive);
            }
            return new Result(Kind.SATISFIABLE, start, endInclusive);
        }

        /** @return which answer to give */
        public Kind kind() {
            return kind;
        }

        /** @return the first byte of a satisfiable range, -1 otherwise */
        public long start() {
            return start;
        }

        /** @return the last byte of a satisfiable range, -1 otherwise */
        public long endInclusive() {
            return endInclusive;
        }

        /** @return the number of bytes in a satisfiable range, 0 otherwise */
        public long length() {
            return kind == Kind.SATISFIABLE ? endInclusive - start + 1 : 0;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Result)) {
                return false;
            }
            Result that = (Result) other;
            return kind == that.kind && start == that.start && endInclusive == that.endInclusive;
        }

        @Override
        public int hashCode() {
            return (kind.hashCode() * 31 + Long.hashCode(start)) * 31 + Long.hashCode(endInclusive);
        }

        @Override
        public String toString() {
            return kind == Kind.SATISFIABLE ? "SATISFIABLE(" + start + "-" + endInclusive + ")" : kind.name();
        }
    }
}
