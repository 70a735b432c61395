package io.subnetcast.core.send;

/**
 * A token bucket that paces datagrams at a rate in bits per second.
 *
 * <p>The bucket holds at most {@link #BURST_NS} worth of the rate (and never less than two
 * datagrams), so a sender driven at sub-millisecond ticks emits a smooth stream, not bursts that
 * overflow switch queues and receiver socket buffers. Time comes from the caller.
 */
public final class Pacer {
    /** The bucket depth, as time at the current rate: 250 microseconds. */
    public static final long BURST_NS = 250_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int maxDatagramBytes;
    private long rateBitsPerSecond;
    private double capacityBytes;
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
            return true;
        }
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
        tokensBytes = Math.min(capacityBytes, tokensBytes + bytesFor(elapsedNs));
    }

    private double bytesFor(long nanos) {
        return (double) rateBitsPerSecond * nanos / (8.0 * NANOS_PER_SECOND);
    }
}
