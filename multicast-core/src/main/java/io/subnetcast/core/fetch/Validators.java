package io.subnetcast.core.fetch;

/**
 * Checks on entity validators (RFC 9110 section 8.8): which ones may be sent as {@code If-Range},
 * and which header values are safe to send at all.
 */
final class Validators {
    /** Longest validator accepted from a caller or a server. */
    static final int MAX_LENGTH = 512;

    private Validators() {
    }

    /**
     * @param etag an entity tag as sent
     * @return true for a strong tag ({@code "..."}); If-Range must not carry a weak one
     */
    static boolean isStrongEtag(String etag) {
        return etag.length() >= 2 && etag.charAt(0) == '"' && etag.charAt(etag.length() - 1) == '"';
    }

    /**
     * @param validator an If-Range value: a strong ETag or an HTTP date
     * @return true if it is an entity tag rather than a date
     */
    static boolean isEtag(String validator) {
        return validator.startsWith("\"") || validator.startsWith("W/");
    }

    /**
     * @param value a header value
     * @return true if it is short and holds only visible ASCII and spaces, so it can be echoed back
     *     in a request header without allowing header injection
     */
    static boolean isSafeHeaderValue(String value) {
        return isSafeHeaderValue(value, MAX_LENGTH);
    }

    /**
     * @param value a header value
     * @param maxLength the longest value accepted
     * @return true if it is at most {@code maxLength} characters of visible ASCII and spaces
     */
    static boolean isSafeHeaderValue(String value, int maxLength) {
        if (value.isEmpty() || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
