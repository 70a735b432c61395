package io.subnetcast.core.auth;

/**
 * The anti-replay window of one sender, as IPsec ESP (RFC 4303 section 3.4.3) and DTLS (RFC 6347
 * section 4.1.2.6) keep it: the highest sequence number accepted and a 64-bit map of which of the
 * 64 numbers up to it arrived. A number above the highest is new; one inside the window is new if
 * its bit is clear; one below the window is refused as too old, since it can no longer be told
 * from a replay. Check with {@link #isFresh} before the (costly) tag check, and {@link #accept}
 * only after the tag verified, so that forgeries never move the window.
 */
final class ReplayWindow {
    /** Sequence numbers the window covers, the highest included. */
    static final int SIZE = Long.SIZE;

    private long highest = -1;
    private long seen;

    /**
     * @param sequence a sequence number, zero or more (the caller refuses negative ones)
     * @return whether it is neither a replay nor older than the window
     */
    boolean isFresh(long sequence) {
        if (sequence > highest) {
            return true;
        }
        long behind = highest - sequence;
        return behind < SIZE && (seen & (1L << behind)) == 0;
    }

    /**
     * Records an authentic sequence number that {@link #isFresh} accepted.
     *
     * @param sequence the number
     */
    void accept(long sequence) {
        if (sequence > highest) {
            // highest is -1 before the first number: start afresh rather than compute an overflowing shift.
            seen = highest < 0 || sequence - highest >= SIZE ? 1L : (seen << (sequence - highest)) | 1L;
            highest = sequence;
        } else {
            seen |= 1L << (highest - sequence);
        }
    }
}
