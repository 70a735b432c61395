package io.subnetcast.core.congestion;

/**
 * A member's measurement of the session's data stream over short windows: the fraction of data
 * datagrams lost (gaps in the representative's sequence numbers) and the rate at which datagrams
 * actually arrived, in wire bits per second.
 *
 * <p>The arrival rate is TFRC's {@code X_recv} (RFC 5348 section 6.2, used by TFMCC, RFC 4654): behind
 * a rate-limited link it is the link's rate, whatever the sender offers, which is what
 * {@link RateController} needs to pick a rate the link carries. Windows last
 * {@link #reportIntervalNs(int)}; a window closes on the first datagram after its end, so a member
 * that hears nothing sends nothing. Counting is two integer updates per datagram and allocates
 * nothing.
 */
public final class LossMeter {
    /** The base measurement window, and so the base interval between a member's loss reports. */
    public static final long REPORT_INTERVAL_NS = 100_000_000L;
    /** Members per base interval the report interval is sized for; larger sessions report less often. */
    public static final int REPORTS_PER_INTERVAL = 32;
    /** Fewer expected datagrams than this in a window say too little to report. */
    static final int MIN_EXPECTED = 8;
    /** A jump in sequence numbers beyond this is not loss but a forged or foreign datagram. */
    private static final int MAX_SEQUENCE_JUMP = 1 << 16;
    /** After this many datagrams in a row outside the stream, the meter follows the new stream. */
    private static final int RESYNC_AFTER = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** A silence this long means the sender paused, not that the link lost everything. */
    private static final long IDLE_NS = REPORT_INTERVAL_NS / 2;

    private boolean started;
    private int foreignInARow;
    private int highestSequence;
    private int windowBase;
    private long windowStartNs;
    private long lastArrivalNs;
    private long received;
    private long receivedWireBytes;
    private int lossFraction;
    private long receiveRateBitsPerSecond;
    private long windowExpected;
    private long windowLost;
    private int closedWindowFirst;

    /** Creates a meter that starts measuring at the first datagram. */
    public LossMeter() {
    }

    /**
     * The report interval for a session of a size: the base interval, stretched so that a session
     * of many members sends at most about {@link #REPORTS_PER_INTERVAL} reports per base interval
     * (the group-size scaling of RTCP, RFC 3550 section 6.2, instead of TFMCC's suppression timers).
     *
     * @param membersKnown members in the session, as the representative announces
     * @return nanoseconds between one member's reports
     */
    public static long reportIntervalNs(int membersKnown) {
        return REPORT_INTERVAL_NS * Math.max(1, (membersKnown + REPORTS_PER_INTERVAL - 1) / REPORTS_PER_INTERVAL);
    }

    /** Forgets everything: the next datagram starts a new stream (a new session or representative). */
    public void reset() {
        started = false;
        foreignInARow = 0;
        received = 0;
        receivedWireBytes = 0;
    }

    /**
     * Counts a data datagram of the followed session and closes the window when it is over.
     *
     * @param sequence the datagram's sequence number
     * @param wireBytes its size on the wire (IP and UDP headers included)
     * @param nowNs current time
     * @param membersKnown members in the session, for the report interval
     * @return true when a window just closed with enough datagrams to report: read
     *     {@link #lossFraction()} and {@link #receiveRateBitsPerSecond()} now
     */
    public boolean onDatagram(int sequence, int wireBytes, long nowNs, int membersKnown) {
        if (!started) {
            started = true;
            highestSequence = sequence;
            windowBase = sequence - 1;
            windowStartNs = nowNs;
        } else {
            int ahead = sequence - highestSequence; // wraps like the sender's counter
            if (ahead > MAX_SEQUENCE_JUMP || ahead < -MAX_SEQUENCE_JUMP) {
                // Not from the stream measured so far: neither loss nor arrival, unless the stream
                // itself moved (the first datagram measured was the stranger).
                if (++foreignInARow < RESYNC_AFTER) {
                    return false;
                }
                reset();
                return onDatagram(sequence, wireBytes, nowNs, membersKnown);
            }
            foreignInARow = 0;
            if (nowNs - lastArrivalNs > IDLE_NS) {
                // The sender paused (waiting for its download, between retransmissions): a window
                // spanning the pause would understate the arrival rate, so it is dropped unreported.
                windowBase = highestSequence;
                windowStartNs = nowNs;
                received = 0;
                receivedWireBytes = 0;
            }
            if (ahead > 0) {
                highestSequence = sequence;
            }
        }
        lastArrivalNs = nowNs;
        received++;
        receivedWireBytes += wireBytes;
        long spanNs = nowNs - windowStartNs;
        if (spanNs < reportIntervalNs(membersKnown)) {
            return false;
        }
        return closeWindow(nowNs, spanNs);
    }

    private boolean closeWindow(long nowNs, long spanNs) {
        long expected = Integer.toUnsignedLong(highestSequence - windowBase);
        boolean enough = expected >= MIN_EXPECTED;
        windowExpected = 0;
        if (enough) {
            long lost = Math.max(0, expected - received); // duplicates and late datagrams cancel out
            windowExpected = expected;
            windowLost = lost;
            closedWindowFirst = windowBase + 1;
            lossFraction = (int) (lost * 65_536 / expected);
            receiveRateBitsPerSecond = (long) (receivedWireBytes * 8.0 * NANOS_PER_SECOND / spanNs);
        }
        windowBase = highestSequence;
        windowStartNs = nowNs;
        received = 0;
        receivedWireBytes = 0;
        return enough;
    }

    /**
     * Takes datagrams the host itself dropped (its socket's receive buffer was full) off the last
     * closed window's loss: they say the host was busy, not that the path is congested. The kernel
     * counts a drop when it happens, the meter sees the gap only when a later datagram is read, so
     * drops and gaps may fall into neighbouring windows: the caller passes what was left over
     * from the window before along with the new drops.
     *
     * @param hostDrops datagrams dropped at the socket since the previous window (and left over)
     * @return the drops this window's loss did not account for, to pass with the next window's
     */
    public long discountHostDrops(long hostDrops) {
        if (hostDrops <= 0 || windowExpected == 0) {
            return Math.max(0, hostDrops);
        }
        long taken = Math.min(hostDrops, windowLost);
        windowLost -= taken;
        lossFraction = (int) (windowLost * 65_536 / windowExpected);
        return hostDrops - taken;
    }

    /** @return datagrams the last closed window expected (by sequence numbers), 0 if it said too little */
    public long windowExpected() {
        return windowExpected;
    }

    /** @return datagrams of the last closed window that did not arrive, less any host drops taken off */
    public long windowLost() {
        return windowLost;
    }

    /**
     * @return the sequence number of the first datagram the last closed window covers (the
     *     representative's counter, which wraps): what the window's loss and rate say something about
     */
    public int windowFirstSequence() {
        return closedWindowFirst;
    }

    /** @return the last closed window's loss, in 1/65536 (65536 = everything lost) */
    public int lossFraction() {
        return lossFraction;
    }

    /** @return the last closed window's arrival rate in wire bits per second */
    public long receiveRateBitsPerSecond() {
        return receiveRateBitsPerSecond;
    }
}
