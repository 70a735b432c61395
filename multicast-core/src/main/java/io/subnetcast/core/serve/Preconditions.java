package io.subnetcast.core.serve;

import io.netty.handler.codec.DateFormatter;
import java.time.Instant;
import java.util.Date;

/**
 * Evaluates {@code If-None-Match} and {@code If-Modified-Since} (RFC 9110 sections 13.1.2 and
 * 13.1.3) for GET and HEAD: when the client's cached copy is still the current representation the
 * answer is {@code 304 Not Modified}, without a body. HTTP caches and update clients revalidate
 * this way; without it every revalidation costs the whole package again.
 */
final class Preconditions {
    /** Most entity tags looked at in one If-None-Match; a longer list simply does not match. */
    private static final int MAX_TAGS = 64;

    private Preconditions() {
    }

    /**
     * @param ifNoneMatch the If-None-Match field lines joined by ", ", or null
     * @param ifModifiedSince the one If-Modified-Since value, or null (absent or more than one)
     * @param resource the current representation
     * @param now the time the response is generated
     * @return whether to answer 304 Not Modified
     */
    static boolean notModified(String ifNoneMatch, String ifModifiedSince, Resource resource, Instant now) {
        if (ifNoneMatch != null) {
            // Section 13.2.2: If-None-Match, when present, decides; If-Modified-Since is then ignored.
            return anyTagMatches(ifNoneMatch, resource.etag());
        }
        if (ifModifiedSince == null) {
            return false;
        }
        Date date = DateFormatter.parseHttpDate(ifModifiedSince.strip());
        if (date == null || date.toInstant().isAfter(now)) {
            return false; // not a date, or one from the future: ignored (section 13.1.3)
        }
        return resource.lastModified().getEpochSecond() <= date.toInstant().getEpochSecond();
    }

    /** Weak comparison (section 8.8.3.2): {@code W/"x"} matches {@code "x"}; {@code *} matches any. */
    private static boolean anyTagMatches(String field, String etag) {
        String value = field.strip();
        if (value.equals("*")) {
            return true;
        }
        if (etag == null) {
            return false;
        }
        String opaque = opaque(etag);
        int at = 0;
        for (int tags = 0; tags < MAX_TAGS && at < value.length(); tags++) {
            while (at < value.length() && (value.charAt(at) == ' ' || value.charAt(at) == '\t' || value.charAt(at) == ',')) {
                at++;
            }
            if (at >= value.length()) {
                break;
            }
            int start = at;
            if (value.startsWith("W/", at)) {
                at += 2;
            }
            if (at >= value.length() || value.charAt(at) != '"') {
                return false; // malformed list: no match, the full answer follows
            }
            int close = value.indexOf('"', at + 1);
            if (close < 0) {
                return false;
            }
            if (opaque(value.substring(start, close + 1)).equals(opaque)) {
                return true;
            }
            at = close + 1;
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
