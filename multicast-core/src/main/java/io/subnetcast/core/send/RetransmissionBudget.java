package io.subnetcast.core.send;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many bytes of retransmission each NAK source may still ask the representative for: a token
 * bucket per source node id. A NAK is tens of bytes and a retransmission up to a block, so without a
 * cap one member, or one forged node id, could turn the session's whole send rate into repeats of
 * its own gaps. Each source refills at {@code bytesPerSecond} up to {@code burstBytes}.
 *
 * <p>The table of sources is bounded; the least recently heard source is forgotten first. A flood
 * of fresh forged ids therefore gets a fresh budget each, which is why {@link BlockSender} also
 * caps retransmissions to half of the pass: the per-source budget keeps one real member from
 * hogging the link, the sender's cap keeps the pass going whatever the sources. Authenticated
 * sessions drop forged ids before they reach either.
 */
final class RetransmissionBudget {
    private static final class Bucket {
        long bytes;
        long refilledAtNs;
    }

    private final long bytesPerSecond;
    private final long burstBytes;
    private final Map<Long, Bucket> sources;

    /**
     * @param bytesPerSecond refill rate of each source, at least 1
     * @param burstBytes most bytes a source may have in hand, at least 1
     * @param maxSources most sources remembered, at least 1
     */
    RetransmissionBudget(long bytesPerSecond, long burstBytes, int maxSources) {
        if (bytesPerSecond < 1 || burstBytes < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate, burst and sources must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.sources = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /**
     * @param source the NAK's sender
     * @param nowNs current time
     * @return bytes the source may still have retransmitted now
     */
    long available(long source, long nowNs) {
        Bucket bucket = sources.get(source);
        if (bucket == null) {
            bucket = new Bucket();
            bucket.bytes = burstBytes;
            bucket.refilledAtNs = nowNs;
            sources.put(source, bucket);
            return bucket.bytes;
        }
        long elapsedNs = nowNs - bucket.refilledAtNs;
        if (elapsedNs > 0) {
            // Refill without overflow: a long silence just fills the bucket.
            long gained = elapsedNs >= 1_000_000_000L * (burstBytes / bytesPerSecond + 1) ? burstBytes
                    : (long) (elapsedNs / 1e9 * bytesPerSecond);
            if (gained > 0) {
                bucket.bytes = Math.min(burstBytes, bucket.bytes + gained);
                bucket.refilledAtNs = nowNs;
            }
        }
        return bucket.bytes;
    }

    /**
     * Takes bytes the source was granted; call after {@link #available} for the same source.
     *
     * @param source the NAK's sender
     * @param bytes bytes queued for it
     */
    void charge(long source, long bytes) {
        Bucket bucket = sources.get(source);
        if (bucket != null) {
            bucket.bytes = Math.max(0, bucket.bytes - bytes);
        }
    }

    /** @return sources remembered */
    int sources() {
        return sources.size();
    }
}
