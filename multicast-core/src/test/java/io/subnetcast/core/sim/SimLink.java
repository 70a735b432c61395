package io.subnetcast.core.sim;

/**
 * A rate-limited link into one node with a small drop-tail queue, as Linux {@code tc qdisc ... tbf
 * rate R burst B latency L} shapes a host's port: datagrams leave at the link rate in arrival order,
 * a datagram that finds more than the queue's bytes waiting is dropped. This is where congestion
 * loss comes from in the simulation when a sender exceeds the link rate.
 */
public final class SimLink {
    private static final double NANOS_PER_SECOND = 1e9;

    private final long rateBitsPerSecond;
    private final int queueBytes;
    private long busyUntilNs = Long.MIN_VALUE;
    private long offered;
    private long droppedCount;

    /**
     * @param rateBitsPerSecond the link rate, counted over IP datagrams (IP and UDP headers included)
     * @param queueBytes bytes that may wait for the link; tbf's {@code limit}
     */
    public SimLink(long rateBitsPerSecond, int queueBytes) {
        if (rateBitsPerSecond <= 0 || queueBytes <= 0) {
            throw new IllegalArgumentException("rate and queue must be positive");
        }
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.queueBytes = queueBytes;
    }

    /**
     * Offers a datagram to the link.
     *
     * @param nowNs current virtual time
     * @param wireBytes its size with IP and UDP headers
     * @return when its last bit leaves the link, or -1 if the queue was full and it was dropped
     */
    long admit(long nowNs, int wireBytes) {
        offered++;
        long startNs = Math.max(nowNs, busyUntilNs);
        double waitingBytes = (startNs - nowNs) * rateBitsPerSecond / (8 * NANOS_PER_SECOND);
        if (waitingBytes + wireBytes > queueBytes) {
            droppedCount++;
            return -1;
        }
        busyUntilNs = startNs + (long) Math.ceil(wireBytes * 8 * NANOS_PER_SECOND / rateBitsPerSecond);
        return busyUntilNs;
    }

    /** @return the link rate in bits per second */
    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /** @return datagrams offered to the link */
    public long offered() {
        return offered;
    }

    /** @return datagrams the full queue dropped */
    public long dropped() {
        return droppedCount;
    }
}
