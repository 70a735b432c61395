package io.subnetcast.core.congestion;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The representative's send rate, adapted to its members' loss reports; single-rate, driven by the
 * slowest receiver that counts, never above the configured rate (the ceiling) nor below
 * {@link #floorBitsPerSecond()}.
 *
 * <p>The scheme borrows TFMCC's structure (RFC 4654: one rate for the group, set by the "current
 * limiting receiver", an immediate decrease and a bounded increase) and TFRC's use of the
 * receiver's measured receive rate {@code X_recv} (RFC 5348 section 4.3), but not the TCP throughput
 * equation: on a LAN the round-trip time is tiny and mostly queueing, so an equation driven by it
 * says little, and the aim here is to fill a rate-limited link, not TCP fairness on the Internet.
 * Members report every {@link LossMeter#reportIntervalNs(int)} (100 ms, longer in large sessions);
 * decisions are taken every 25 ms on the reports heard since the last one:
 * <ol>
 * <li>A receiver is <em>congested</em> when it lost at least {@value #CONGESTED_PERCENT}% of its
 *     window. What its path carries is estimated as the largest of its arrival rate, its previous
 *     congested arrival rate and the rate the sender achieved less its loss (a receiver that stalls
 *     for a moment reads one window short). The rate is cut at once to {@value #TARGET_PERCENT}% of
 *     the lowest such estimate among congested receivers that count: a multiplicative decrease to a
 *     measured target rather than a blind halving. A report whose window began before a cut made
 *     for its receiver is not acted on: it covers packets sent before the cut. Members say which
 *     datagram their window began with; for a report that does not say, the interval and a half
 *     after the cut stands for it (a member starved of CPU reads its socket late, and its window
 *     may cover datagrams sent before the cut long after it). Nor is the first window after the
 *     cut: its datagrams met the queue the old rate left at the bottleneck.</li>
 * <li>Without congestion for 1.25 report intervals the rate grows, once per interval and only while
 *     the sender achieves at least 3/4 of it (a sender waiting for its download, or a pacer a busy
 *     host wakes late, learns nothing by raising a rate it does not use: the idea of RFC 7661): by
 *     {@value #INCREASE_PERCENT}%, doubling per quiet interval up to {@value #MAX_INCREASE_PERCENT}%,
 *     below the estimate that last limited it; by {@value #PROBE_PERCENT}% above it, so that
 *     probing a link overfills its small queue only slightly; fast again after 30 quiet intervals.</li>
 * </ol>
 * Who counts, so that one receiver, real or forged, cannot hold the session back:
 * <ul>
 * <li><b>Slow receivers</b>: a congested receiver whose estimate is below 1/{@value #SLOW_DIVISOR}
 *     of the median of the other fresh reporters' (a receiver without loss counts as able to take
 *     at least the current rate) is left out. It keeps what it hears and completes from peers after
 *     the pass (peer repair), as the multicast products this follows leave slow clients to catch up.
 *     Decisions wait until at least half the known members have reported, so that the first report
 *     of a session cannot pass for the only one.</li>
 * <li><b>Unresponsive receivers</b>: when a cut of at least 10% made for a receiver leaves it, in a
 *     window that began after the cut, with 3/4 of the loss that caused the cut, its loss does not
 *     come from the send rate (random loss, a busy host, a forged report): it is ignored for the rest
 *     of the session and the cut is undone. A cut made for a receiver later found slow is undone too.</li>
 * <li>Only members the representative already knew before the report are heard (the caller checks
 *     its member table: a stranger's first status counts for nothing, though until sessions are
 *     authenticated its second does), and the rate never falls below the floor, the ceiling divided
 *     by {@value #FLOOR_DIVISOR}.</li>
 * </ul>
 * Not handled: TFMCC's feedback suppression (the report interval grows with the session instead,
 * as RTCP's does, RFC 3550 section 6.2), and many forged member ids (until sessions are
 * authenticated) can still pull the median down, to the floor at worst.
 *
 * <p>Sans-IO and single-threaded: the caller passes the time, counts what it sends with
 * {@link #onSent} and applies {@link #rateBitsPerSecond()} to its pacer when {@link #tick} says the
 * rate changed.
 */
public final class RateController {
    /** A loss report's window or a cut whose first sequence number is not known. */
    public static final long UNKNOWN_SEQUENCE = -1;
    /** The floor is the ceiling divided by this. */
    public static final int FLOOR_DIVISOR = 16;
    /** A receiver is slow when its rate is below the others' median divided by this. */
    public static final int SLOW_DIVISOR = 4;
    static final int CONGESTED_PERCENT = 1;
    static final int TARGET_PERCENT = 90;
    static final int INCREASE_PERCENT = 5;
    private static final int CONGESTED_LOSS = 65_536 * CONGESTED_PERCENT / 100;
    private static final long MIN_FLOOR_BPS = 8_000;
    private static final int MAX_TRACKED = 4096;
    private static final long FORGET_NS = 30_000_000_000L;
    /** Decisions are taken this often, so that a burst of loss is answered within a fraction of a window. */
    private static final long TICK_NS = LossMeter.REPORT_INTERVAL_NS / 4;
    /** Above the last limiting arrival rate the rate grows by this much per interval only. */
    static final int PROBE_PERCENT = 1;
    /** The rate grows only while the sender achieved at least this share of it. */
    private static final int USED_PERCENT = 75;
    /** Quiet steps below the last limit double the growth, up to this much per interval. */
    static final int MAX_INCREASE_PERCENT = 20;
    /**
     * For this many intervals after a cut, reports that name their window are matched against it by
     * sequence number: long enough for a starved member's late windows, short of the counter's wrap.
     */
    private static final int SEQUENCE_JUDGED_INTERVALS = 10;
    /** Quiet intervals after which the last limit is forgotten and growth is fast again. */
    private static final int LIMIT_MEMORY_INTERVALS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(RateController.class);

    /** What one receiver said last, and the cut its congestion caused. */
    private static final class Receiver {
        int lossFraction;
        long arrivalBps;
        long heardNs;
        long previousCongestedBps;
        long previousCongestedNs;
        boolean pending;
        boolean unresponsive;
        boolean inEpisode;
        long episodeStartNs;
        int episodeLoss;
        long rateBeforeCut;
        long windowFirstSequence = UNKNOWN_SEQUENCE;
        long cutSequence = UNKNOWN_SEQUENCE;
        boolean windowAfterCutSeen;
    }

    private final long ceilingBps;
    private final long floorBps;
    private final Map<Long, Receiver> receivers = new HashMap<>();
    private long[] census = new long[64];
    private long rateBps;
    private long lowestRateBps;
    private long nextTickNs;
    private boolean ticking;
    private boolean congestionSeen;
    private long lastCongestionNs;
    private long lastIncreaseNs;
    private long lastLimitBps;
    private int growthPercent = INCREASE_PERCENT;
    private long sentBytes;
    private long sentSinceNs;
    private long actualBps;
    private int cuts;
    private int slowReports;
    private int unresponsive;

    /**
     * @param ceilingBps the configured rate: the start and the most ever sent
     */
    public RateController(long ceilingBps) {
        if (ceilingBps <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + ceilingBps);
        }
        this.ceilingBps = ceilingBps;
        this.floorBps = Math.min(ceilingBps, Math.max(MIN_FLOOR_BPS, ceilingBps / FLOOR_DIVISOR));
        this.rateBps = ceilingBps;
        this.lowestRateBps = ceilingBps;
    }

    /**
     * @param lossFraction a window's loss in 1/65536
     * @return whether a receiver with that loss counts as congested ({@value #CONGESTED_PERCENT}% or more)
     */
    public static boolean isCongested(int lossFraction) {
        return lossFraction >= CONGESTED_LOSS;
    }

    /**
     * Takes a member's loss report. The caller passes only reports of members it already knew
     * before this message, so that a stranger's first datagram counts for nothing.
     *
     * @param nodeId the member
     * @param lossFraction loss in 1/65536, 0 to 65536; other values are ignored
     * @param arrivalBps its measured arrival rate in wire bits per second
     * @param nowNs current time
     */
    public void onReport(long nodeId, int lossFraction, long arrivalBps, long nowNs) {
        onReport(nodeId, lossFraction, arrivalBps, UNKNOWN_SEQUENCE, nowNs);
    }

    /**
     * Takes a member's loss report that says where its window began.
     *
     * @param nodeId the member
     * @param lossFraction loss in 1/65536, 0 to 65536; other values are ignored
     * @param arrivalBps its measured arrival rate in wire bits per second
     * @param windowFirstSequence the sequence number of the first datagram its window covers
     *     (unsigned 32 bits), or {@link #UNKNOWN_SEQUENCE}
     * @param nowNs current time
     */
    public void onReport(long nodeId, int lossFraction, long arrivalBps, long windowFirstSequence, long nowNs) {
        if (lossFraction < 0 || lossFraction > 65_536 || arrivalBps < 0 || windowFirstSequence < UNKNOWN_SEQUENCE
                || windowFirstSequence > 0xFFFF_FFFFL) {
            return;
        }
        Receiver receiver = receivers.get(nodeId);
        if (receiver == null) {
            if (receivers.size() >= MAX_TRACKED) {
                return;
            }
            receiver = new Receiver();
            receivers.put(nodeId, receiver);
        }
        if (receiver.lossFraction >= CONGESTED_LOSS) {
            receiver.previousCongestedBps = receiver.arrivalBps;
            receiver.previousCongestedNs = receiver.heardNs;
        }
        receiver.lossFraction = lossFraction;
        receiver.arrivalBps = arrivalBps;
        receiver.windowFirstSequence = windowFirstSequence;
        receiver.heardNs = nowNs;
        receiver.pending = true;
    }

    /**
     * Counts a datagram sent, for the rate actually achieved (a pacer woken late by a busy host
     * sends less than it is set to).
     *
     * @param wireBytes its size with IP and UDP headers
     */
    public void onSent(int wireBytes) {
        sentBytes += wireBytes;
    }

    /**
     * Decides the rate from the reports heard since the last decision; runs at most every quarter
     * of the base report interval, however often it is called.
     *
     * @param nowNs current time
     * @param membersKnown members in the session, for the report interval they use
     * @return true if the rate changed: apply {@link #rateBitsPerSecond()}
     */
    public boolean tick(long nowNs, int membersKnown) {
        return tick(nowNs, membersKnown, UNKNOWN_SEQUENCE);
    }

    /**
     * Decides the rate, as {@link #tick(long, int)} does, knowing which datagram a new rate applies
     * from: a cut made now is judged only on windows that begin with it or later.
     *
     * @param nowNs current time
     * @param membersKnown members in the session, for the report interval they use
     * @param nextSequence the sequence number of the next datagram to be sent (unsigned 32 bits), or
     *     {@link #UNKNOWN_SEQUENCE}
     * @return true if the rate changed: apply {@link #rateBitsPerSecond()}
     */
    public boolean tick(long nowNs, int membersKnown, long nextSequence) {
        if (ticking && nowNs - nextTickNs < 0) {
            return false;
        }
        if (!ticking) {
            ticking = true;
            lastIncreaseNs = nowNs;
            sentSinceNs = nowNs;
            sentBytes = 0;
        }
        nextTickNs = nowNs + TICK_NS;
        measureSent(nowNs);
        long intervalNs = LossMeter.reportIntervalNs(membersKnown);
        int counted = takeCensus(nowNs, 2 * intervalNs);
        if (counted < membersKnown / 2) {
            return false; // too few of the members have spoken to tell one slow receiver from a slow link
        }
        long limitBps = Long.MAX_VALUE;
        long undoTo = 0;
        for (Receiver receiver : receivers.values()) {
            if (!receiver.pending) {
                continue;
            }
            receiver.pending = false;
            if (receiver.unresponsive || receiver.lossFraction < CONGESTED_LOSS || nowNs - receiver.heardNs > 2 * intervalNs) {
                continue;
            }
            long sinceCutNs = nowNs - receiver.episodeStartNs;
            long judgedNs = (namesWindows(receiver) ? SEQUENCE_JUDGED_INTERVALS : 4) * intervalNs;
            boolean recentCut = receiver.inEpisode && sinceCutNs <= judgedNs;
            if (receiver.inEpisode && tooEarlyToJudge(receiver, sinceCutNs, intervalNs)) {
                lastCongestionNs = nowNs; // not grounds for a cut, but not a quiet interval either
                continue;
            }
            if (isSlow(sustainable(receiver, intervalNs), counted) || recentCut && becameUnresponsive(receiver, rateBps)) {
                if (recentCut) {
                    undoTo = Math.max(undoTo, receiver.rateBeforeCut); // the cut was for a receiver that does not count
                    receiver.inEpisode = false;
                }
                continue;
            }
            receiver.inEpisode = true;
            receiver.episodeStartNs = nowNs;
            receiver.episodeLoss = receiver.lossFraction;
            receiver.rateBeforeCut = rateBps;
            receiver.cutSequence = nextSequence;
            receiver.windowAfterCutSeen = false;
            limitBps = Math.min(limitBps, limitOf(receiver, intervalNs));
        }
        if (limitBps != Long.MAX_VALUE) {
            congestionSeen = true;
            growthPercent = INCREASE_PERCENT;
            lastCongestionNs = nowNs;
            lastLimitBps = limitBps;
            long target = Math.max(floorBps, limitBps / 100 * TARGET_PERCENT);
            return target < rateBps && setRate(target, "cut to the limiting receiver's arrival rate");
        }
        if (undoTo > rateBps) {
            return setRate(Math.min(ceilingBps, undoTo), "a cut made for a receiver that does not count is undone");
        }
        return increase(nowNs, intervalNs);
    }

    /**
     * Whether a report says too little yet about the cut made for its receiver: its window began
     * before the cut took effect, or it is the first window after it, whose datagrams met the queue
     * the rate before the cut left at the bottleneck (a link's queue drains at the difference of the
     * two rates: a 10% cut takes a 20 ms queue 200 ms). By sequence numbers where the report names
     * its window (and the cut is recent enough for the 32-bit counter to compare), otherwise by time:
     * the interval and a half after the cut. Records the first window after the cut as seen.
     */
    private static boolean tooEarlyToJudge(Receiver receiver, long sinceCutNs, long intervalNs) {
        if (namesWindows(receiver) && sinceCutNs <= SEQUENCE_JUDGED_INTERVALS * intervalNs) {
            if ((int) (receiver.windowFirstSequence - receiver.cutSequence) < 0) {
                return true;
            }
            boolean first = !receiver.windowAfterCutSeen;
            receiver.windowAfterCutSeen = true;
            return first;
        }
        return sinceCutNs < intervalNs * 3 / 2;
    }

    /** Whether the receiver's report and the cut made for it both carry sequence numbers. */
    private static boolean namesWindows(Receiver receiver) {
        return receiver.windowFirstSequence != UNKNOWN_SEQUENCE && receiver.cutSequence != UNKNOWN_SEQUENCE;
    }

    /**
     * Grows the rate after a quiet interval: by {@value #INCREASE_PERCENT}%, doubling per quiet
     * interval up to {@value #MAX_INCREASE_PERCENT}%, while below the arrival rate that last
     * limited it; by {@value #PROBE_PERCENT}% per interval above it, so that probing a link overfills
     * its queue only slightly; fast again once congestion has not been seen for a while. Only while the
     * sender achieves its rate: a sender waiting for its download, or a pacer that a busy host
     * wakes late, learns nothing about the path by raising a rate it does not use (the idea of
     * RFC 7661's congestion window validation).
     */
    private boolean increase(long nowNs, long intervalNs) {
        long quietNs = nowNs - lastCongestionNs;
        if (congestionSeen && quietNs < intervalNs * 5 / 4 || rateBps >= ceilingBps
                || nowNs - lastIncreaseNs < intervalNs || actualBps < rateBps / 100 * USED_PERCENT) {
            return false;
        }
        lastIncreaseNs = nowNs;
        boolean nearLimit = congestionSeen && rateBps >= lastLimitBps && quietNs < LIMIT_MEMORY_INTERVALS * intervalNs;
        int percent = nearLimit ? PROBE_PERCENT : growthPercent;
        if (!nearLimit) {
            growthPercent = Math.min(MAX_INCREASE_PERCENT, 2 * growthPercent);
        }
        return setRate(Math.min(ceilingBps, Math.max(rateBps + 1, rateBps / 100 * (100 + percent))), "no congestion");
    }

    /** Fills {@link #census} with the sustainable rates of receivers that count; forgets old ones. */
    private int takeCensus(long nowNs, long freshNs) {
        int count = 0;
        for (Iterator<Receiver> it = receivers.values().iterator(); it.hasNext(); ) {
            Receiver receiver = it.next();
            long ageNs = nowNs - receiver.heardNs;
            if (ageNs > FORGET_NS) {
                unresponsive -= receiver.unresponsive ? 1 : 0;
                it.remove();
            } else if (ageNs <= freshNs && !receiver.unresponsive) {
                if (count == census.length) {
                    census = Arrays.copyOf(census, count * 2);
                }
                census[count++] = sustainable(receiver, freshNs / 2);
            }
        }
        Arrays.sort(census, 0, count);
        return count;
    }

    /**
     * What a congested receiver's path carries: the largest of its last two congested arrival
     * rates within two intervals (TFRC keeps a set of recent receive rates for the same reason,
     * RFC 5348 section 4.3) and, while the sender was busy, the rate it achieved less the
     * receiver's loss. A receiver that stalls for a moment reads one window short; the sender's
     * own count does not.
     */
    private long limitOf(Receiver receiver, long intervalNs) {
        long limit = receiver.arrivalBps;
        if (receiver.heardNs - receiver.previousCongestedNs <= 2 * intervalNs) {
            limit = Math.max(limit, receiver.previousCongestedBps);
        }
        if (actualBps >= rateBps / 2) {
            limit = Math.max(limit, (long) (actualBps * (1 - receiver.lossFraction / 65_536.0)));
        }
        return limit;
    }

    /** The rate achieved over the last base interval, once one has passed. */
    private void measureSent(long nowNs) {
        long spanNs = nowNs - sentSinceNs;
        if (spanNs >= LossMeter.REPORT_INTERVAL_NS) {
            actualBps = (long) (sentBytes * 8.0 * 1e9 / spanNs);
            sentBytes = 0;
            sentSinceNs = nowNs;
        }
    }

    /** A congested receiver takes what arrived; one without loss takes at least the current rate. */
    private long sustainable(Receiver receiver, long intervalNs) {
        return receiver.lossFraction >= CONGESTED_LOSS ? limitOf(receiver, intervalNs) : Math.max(rateBps, receiver.arrivalBps);
    }

    /**
     * Whether a sustainable rate is below 1/{@value #SLOW_DIVISOR} of the median of the other
     * counted receivers' (the census holds this receiver's own value once).
     */
    private boolean isSlow(long ownBps, int counted) {
        int others = counted - 1;
        if (others < 1) {
            return false;
        }
        int own = Arrays.binarySearch(census, 0, counted, ownBps);
        if (own < 0) {
            return false; // not in the census: not fresh
        }
        int middle = others / 2;
        long medianBps = census[middle < own ? middle : middle + 1];
        boolean slow = ownBps < medianBps / SLOW_DIVISOR;
        if (slow) {
            slowReports++;
        }
        return slow;
    }

    /**
     * Whether a receiver's loss went on after a cut made for it: when a window that began after
     * the cut still shows three quarters of the loss that caused it, the loss does not come from
     * the send rate (a bottleneck's loss falls with the rate while its arrival rate holds; random
     * loss, a busy host or a forged report do not). Such a receiver is ignored for the rest of the
     * session.
     */
    private boolean becameUnresponsive(Receiver receiver, long nowBps) {
        if (4L * receiver.lossFraction < 3L * receiver.episodeLoss || nowBps > receiver.rateBeforeCut / 100 * TARGET_PERCENT) {
            return false; // the cut helped, if not enough, or it was too small to tell: cut again
        }
        receiver.unresponsive = true;
        unresponsive++;
        LOG.info("a receiver's loss ({}% of the window from datagram {}) went on after the rate was cut to {} bit/s"
                + " (from datagram {}, {} ms before): it no longer limits the rate", receiver.lossFraction * 100 / 65_536,
                receiver.windowFirstSequence, rateBps, receiver.cutSequence, (receiver.heardNs - receiver.episodeStartNs) / 1_000_000);
        return true;
    }

    private boolean setRate(long newBps, String reason) {
        if (newBps == rateBps) {
            return false;
        }
        if (newBps < rateBps) {
            cuts++;
        }
        LOG.debug("send rate {} -> {} bit/s: {}", rateBps, newBps, reason);
        rateBps = newBps;
        lowestRateBps = Math.min(lowestRateBps, newBps);
        return true;
    }

    /** @return the rate to send at, in bits per second */
    public long rateBitsPerSecond() {
        return rateBps;
    }

    /** @return the lowest rate chosen so far */
    public long lowestRateBitsPerSecond() {
        return lowestRateBps;
    }

    /** @return the configured rate, the most ever sent */
    public long ceilingBitsPerSecond() {
        return ceilingBps;
    }

    /** @return the least the rate is ever cut to, whatever the reports say */
    public long floorBitsPerSecond() {
        return floorBps;
    }

    /** @return how many times the rate was cut */
    public int cuts() {
        return cuts;
    }

    /** @return congestion reports left out because their receiver was slow, since the start */
    public int slowReports() {
        return slowReports;
    }

    /** @return receivers ignored because a cut did not reduce their loss */
    public int unresponsiveReceivers() {
        return unresponsive;
    }
}
