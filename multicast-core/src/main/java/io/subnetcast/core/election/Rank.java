package io.subnetcast.core.election;

/**
 * The order in which claimants win an election: higher priority, then more bytes already held,
 * then higher node id. Total and deterministic, so that agents that start in the same instant agree.
 *
 * @param priority configured priority, higher wins
 * @param bytesHeld bytes of the package the claimant already holds
 * @param nodeId the claimant's node id, the final tie-break
 */
public record Rank(int priority, long bytesHeld, long nodeId) implements Comparable<Rank> {
    @Override
    public int compareTo(Rank other) {
        int byPriority = Integer.compareUnsigned(priority, other.priority);
        if (byPriority != 0) {
            return byPriority;
        }
        int byBytes = Long.compare(bytesHeld, other.bytesHeld);
        if (byBytes != 0) {
            return byBytes;
        }
        return Long.compareUnsigned(nodeId, other.nodeId);
    }

    /**
     * @param other another rank, or null
     * @return true if this rank beats {@code other} (anything beats null)
     */
    public boolean beats(Rank other) {
        return other == null || compareTo(other) > 0;
    }
}
