package io.subnetcast.core.election;

/**
 * A representative as the agents of a session rank it when two of them lead at once (a claim race,
 * a healed partition): a later epoch wins, then the higher priority, then the higher node id. The
 * order is total, so both representatives agree which one steps down.
 *
 * @param epoch the representative's term
 * @param priority its configured priority
 * @param nodeId its node id
 */
public record Leader(int epoch, int priority, long nodeId) {
    /**
     * @param other another representative
     * @return true if this one leads rather than {@code other}
     */
    public boolean beats(Leader other) {
        int byEpoch = Integer.compareUnsigned(epoch, other.epoch);
        if (byEpoch != 0) {
            return byEpoch > 0;
        }
        int byPriority = Integer.compareUnsigned(priority, other.priority);
        return byPriority != 0 ? byPriority > 0 : Long.compareUnsigned(nodeId, other.nodeId) > 0;
    }
}
