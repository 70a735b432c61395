package io.subnetcast.core.election;

/**
 * What an agent that has a live representative (or is one) has seen of a rival representative,
 * and whether that is enough to hand over to it.
 *
 * <p>Without a session key any host on the LAN can send a beacon in any node's name with any
 * epoch; believing the first one would let a single datagram depose a representative mid-download
 * or lead its members into a group that carries nothing. An honest rival always leaves one of two
 * traces:
 * <ul>
 *   <li><b>its claim</b>: a successor is elected in a claim round that everyone in the session
 *   hears, and takes the highest epoch seen plus one. Its beacons are believed at once when its
 *   claim was heard within the claim window plus jitter plus a second, and its epoch is at most one
 *   above the highest this agent has seen;</li>
 *   <li><b>a race</b>: two claimants that did not hear each other's claims (lost, late) both take
 *   the same epoch; a rival of the very epoch of this agent's term is believed while that term is
 *   younger than the claim window plus jitter plus a second;</li>
 *   <li><b>persistence</b>: two sides of a healed partition, or a representative that was frozen,
 *   heard no claim; their beacons are believed once they came without a gap longer than the
 *   representative timeout for at least that timeout (2 s by default).</li>
 * </ul>
 * Bound: a forger must either send a claim and then beacons within that window with an epoch at
 * most one ahead, or strike within that window after an election with the new term's epoch, or
 * keep beaconing for the whole representative timeout; a burst of beacons with
 * a made-up epoch changes nothing. Keyed sessions need none of this: only key holders are heard.
 *
 * <p>Memory is bounded: a fixed number of recent claimants, and one rival being watched.
 */
final class RivalEvidence {
    private static final int CLAIMANTS = 16;
    private static final long SLACK_NS = 1_000_000_000L;

    private final long[] claimants = new long[CLAIMANTS];
    private final long[] claimedAtNs = new long[CLAIMANTS];
    private int nextSlot;
    private int used;

    private long watchedNode;
    private boolean watching;
    private long watchedSinceNs;
    private long watchedLastNs;

    /**
     * @param node a node that sent a claim
     * @param nowNs when it was heard
     */
    void onClaim(long node, long nowNs) {
        for (int i = 0; i < used; i++) {
            if (claimants[i] == node) {
                claimedAtNs[i] = nowNs;
                return;
            }
        }
        claimants[nextSlot] = node;
        claimedAtNs[nextSlot] = nowNs;
        nextSlot = (nextSlot + 1) % CLAIMANTS;
        used = Math.min(used + 1, CLAIMANTS);
    }

    /**
     * Records a valid beacon of a rival that would win on (epoch, priority, node id), and answers
     * whether to hand over to it now.
     *
     * @param node the rival
     * @param epoch its epoch
     * @param highestEpochSeen the highest epoch this agent has followed, led or seen claimed
     * @param termEpoch the epoch of this agent's current term (led or followed)
     * @param termStartedNs when that term began here
     * @param nowNs current time
     * @param claimHorizonNs the claim window plus jitter
     * @param timeoutNs the representative timeout
     * @return whether the evidence justifies following the rival
     */
    boolean justifiesHandover(long node, int epoch, int highestEpochSeen, int termEpoch, long termStartedNs, long nowNs,
            long claimHorizonNs, long timeoutNs) {
        if (!watching || watchedNode != node || nowNs - watchedLastNs > timeoutNs) {
            watching = true;
            watchedNode = node;
            watchedSinceNs = nowNs;
        }
        watchedLastNs = nowNs;
        if (nowNs - watchedSinceNs >= timeoutNs) {
            return true;
        }
        long horizonNs = claimHorizonNs + SLACK_NS;
        if (epoch == termEpoch && nowNs - termStartedNs <= horizonNs) {
            return true; // two winners of one claim round
        }
        boolean claimed = false;
        for (int i = 0; i < used; i++) {
            if (claimants[i] == node && nowNs - claimedAtNs[i] <= horizonNs) {
                claimed = true;
                break;
            }
        }
        return claimed && Integer.compareUnsigned(epoch, highestEpochSeen + 1) <= 0;
    }
}
