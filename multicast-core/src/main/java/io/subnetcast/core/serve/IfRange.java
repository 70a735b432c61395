package io.subnetcast.core.serve;

import io.netty.handler.codec.DateFormatter;
import java.time.Instant;
import java.util.Date;

/**
 * Evaluates {@code If-Range} (RFC 9110 section 13.1.5): the range is honoured only if the
 * client's validator proves it still has the same representation; otherwise the whole
 * representation is sent, which is what a client resuming a download of a file that changed
 * needs.
 */
final class IfRange {
    private IfRange() {
    }

    /**
     * @param ifRange the field value
     * @param resource the current representation
     * @param now the time the response is generated
     * @return {@code true} if the {@code Range} header may be honoured
     */
    static boolean permitsRange(String ifRange, Resource resource, Instant now) {
        String value = ifRange.strip();
        if (value.startsWith("\"")) {
            // Strong comparison: the opaque tags must be identical and neither weak.
            String etag = resource.etag();
            return etag != null && etag.startsWith("\"") && value.equals(etag);
        }
        if (value.startsWith("W/")) {
            return false;
        }
        Date date = DateFormatter.parseHttpDate(value);
        if (date == null) {
            return false;
        }
        Instant lastModified = resource.lastModified();
        // An exact match of the second shown in Last-Modified, and that date must be a strong
        // validator: the file unchanged for at least a second before now (RFC 9110 section
        // 8.8.2.2), or two writes within that second would share one date.
        return date.toInstant().getEpochSecond() == lastModified.getEpochSecond()
                && !lastModified.isAfter(now.minusSeconds(1));
    }
}
