package io.subnetcast.core.send;

/**
 * A token bucket that paces datagrams at a rate in bits per second.
 *
 * <p>The bucket holds at most {@link #BURST_NS} worth of the rate (and never less than two
 * datagrams), so a sender driven at sub-millisecond ticks emits a smooth stream, not bursts that
 * overflow switch queues and receiver socket buffers. Time comes from the caller.
 *
 * <p>A sender that waits for tokens is woken late on a busy host: on two shared cores the event
 * loop may run milliseconds after its timer, and at 100 Mbit/s 250 microseconds are two datagrams,
 * so a bucket that small loses most of the rate (measured: a pass set to 100 Mbit/s ran at 3-9
 * MiB/s while its host fetched at 12). While the sender is backlogged (its last request found the
 * bucket short) the bucket may therefore fill to {@link #CATCH_UP_NS} worth of the rate, at most
 * {@link #MAX_CATCH_UP_DATAGRAMS} datagrams: what a late wake missed is sent at once, so the rate
 * holds. A sender that was idle (its last request was granted) banks nothing beyond the small
 * bucket, as before, and a lower rate takes the surplus away.
 */
public final class Pacer {
    /** The bucket depth, as time at the current rate: 250 microseconds. */
    public static final long BURST_NS = 250_000L;
    /** How late a backlogged sender may be woken without losing rate: 10 ms. */
    public static final long CATCH_UP_NS = 10_000_000L;
    /** The most datagrams one catch-up sends back to back. */
    public static final int MAX_CATCH_UP_DATAGRAMS = 256;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int maxDatagramBytes;
    private long rateBitsPerSecond;
    private double capacityBytes;
    private double catchUpBytes;
    // The last request found too few tokens: the sender has datagrams waiting for them.
    private boolean backlogged;
    private double tokensBytes;
    private long lastRefillNs;
    private boolean started;

    /**
     * @param rateBitsPerSecond the initial rate, positive
     * @param maxDatagramBytes the largest datagram that will be paced
     */
    public Pacer(long rateBitsPerSecond, int maxDatagramBytes) {
        if (maxDatagramBytes <= 0) {
            throw new IllegalArgumentException("datagram size must be positive: " + maxDatagramBytes);
        }
        this.maxDatagramBytes = maxDatagramBytes;
        setRate(rateBitsPerSecond);
    }

    /**
     * Changes the rate; tokens already earned are kept up to the new capacity.
     *
     * @param bitsPerSecond the new rate, positive
     */
    public void setRate(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + bitsPerSecond + " bit/s");
        }
        this.rateBitsPerSecond = bitsPerSecond;
        this.capacityBytes = Math.max(2.0 * maxDatagramBytes, bytesFor(BURST_NS));
        this.catchUpBytes = Math.max(capacityBytes,
                Math.min((double) MAX_CATCH_UP_DATAGRAMS * maxDatagramBytes, bytesFor(CATCH_UP_NS)));
        this.tokensBytes = Math.min(tokensBytes, capacityBytes);
    }

    /** @return the rate in bits per second */
    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /**
     * Takes tokens for a datagram if the bucket holds enough.
     *
     * @param nowNs the current time
     * @param bytes the datagram's size
     * @return true if it may be sent now
     */
    public boolean tryAcquire(long nowNs, int bytes) {
        refill(nowNs);
        if (tokensBytes >= bytes) {
            tokensBytes -= bytes;
            backlogged = false;
            return true;
        }
        backlogged = true;
        return false;
    }

    /**
     * @param nowNs the current time
     * @param bytes the size of the next datagram
     * @return nanoseconds until {@link #tryAcquire} would succeed for it, zero if it would now
     */
    public long nanosUntilAvailable(long nowNs, int bytes) {
        refill(nowNs);
        double missing = bytes - tokensBytes;
        if (missing <= 0) {
            return 0;
        }
        backlogged = true;
        return (long) Math.ceil(missing * 8.0 * NANOS_PER_SECOND / rateBitsPerSecond);
    }

    private void refill(long nowNs) {
        if (!started) {
            started = true;
            lastRefillNs = nowNs;
            tokensBytes = capacityBytes;
            return;
        }
        long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs <= 0) {
            return;
        }
        lastRefillNs = nowNs;
        // Tokens earned are kept up to the bucket's size; a catch-up's surplus is spent, not clipped.
        double limit = Math.max(tokensBytes, backlogged ? catchUpBytes : capacityBytes);
        tokensBytes = Math.min(limit, tokensBytes + bytesFor(elapsedNs));
    }

    private double bytesFor(long nanos) {
        return (double) rateBitsPerSecond * nanos / (8.0 * NANOS_PER_SECOND);
    }
}
