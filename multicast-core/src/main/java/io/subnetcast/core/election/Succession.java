package io.subnetcast.core.election;

/**
 * Who leads a session over time: the epochs of its representatives, the evidence that a rival
 * representative is real, and how long a new representative waits before its pass.
 *
 * <p>Each representative leads a term, numbered by its epoch: a successor takes the highest epoch
 * seen plus one. The highest epoch seen grows only from terms this agent followed or led, and from
 * claims at most one term ahead, so that a forged beacon or claim with a made-up epoch cannot push
 * the numbering out of reach of honest successors. Whether to hand over to a rival is
 * {@link RivalEvidence}'s judgement; this class holds the agent's side of it.
 *
 * <p>Sans-IO and single-threaded, like the agent that owns it.
 */
public final class Succession {
    private final long claimHorizonNs;
    private final long representativeTimeoutNs;
    private final RivalEvidence rivals = new RivalEvidence();

    private int highestEpochSeen;
    private long termStartedNs;
    private boolean followedBefore;

    /**
     * @param claimHorizonNs the claim window plus the claim jitter
     * @param representativeTimeoutNs how long a representative may be silent before it counts as gone
     */
    public Succession(long claimHorizonNs, long representativeTimeoutNs) {
        this.claimHorizonNs = claimHorizonNs;
        this.representativeTimeoutNs = representativeTimeoutNs;
    }

    /**
     * Another agent claimed the role.
     *
     * @param node the claimant
     * @param epoch the epoch its claim carries (the last term it saw)
     * @param nowNs current time
     */
    public void onClaim(long node, int epoch, long nowNs) {
        rivals.onClaim(node, nowNs);
        if (Integer.compareUnsigned(epoch, highestEpochSeen) > 0
                && Integer.compareUnsigned(epoch, highestEpochSeen + 1) <= 0) {
            highestEpochSeen = epoch; // a claimant follows at most one term further than we saw
        }
    }

    /**
     * This agent won an election and starts a term.
     *
     * @param nowNs current time
     * @return the epoch of its term: the highest seen plus one
     */
    public int startOwnTerm(long nowNs) {
        termStartedNs = nowNs;
        highestEpochSeen++;
        return highestEpochSeen;
    }

    /**
     * This agent follows a representative's beacon.
     *
     * @param epoch the representative's epoch
     * @param newTerm whether it is a session this agent did not follow before
     * @param nowNs current time
     */
    public void onFollowed(int epoch, boolean newTerm, long nowNs) {
        followedBefore = true;
        if (Integer.compareUnsigned(epoch, highestEpochSeen) > 0) {
            highestEpochSeen = epoch;
        }
        if (newTerm) {
            termStartedNs = nowNs;
        }
    }

    /**
     * Records a valid beacon of a rival that would win on {@link Leader} order, and answers whether
     * to hand over to it now (see {@link RivalEvidence}).
     *
     * @param node the rival
     * @param epoch its epoch
     * @param termEpoch the epoch of the term this agent leads or follows
     * @param nowNs current time
     * @return whether the evidence justifies following the rival
     */
    public boolean justifiesHandover(long node, int epoch, int termEpoch, long nowNs) {
        return rivals.justifiesHandover(node, epoch, highestEpochSeen, termEpoch, termStartedNs, nowNs, claimHorizonNs,
                representativeTimeoutNs);
    }

    /**
     * How long a new representative waits before its pass. A first one waits the configured start
     * delay, so that others can join. A successor (its members were already in a session) keeps what
     * was left of the old session's delay, and at least one beacon interval, so that the members'
     * advertisements of what they hold arrive before its pass decides what to send.
     *
     * @param startDelayNs the configured start delay
     * @param beaconIntervalNs the beacon interval
     * @param delayLeftAtLastBeaconNs the start delay the last followed beacon reported as remaining
     * @param sinceLastBeaconNs time since that beacon
     * @return the wait before the pass
     */
    public long startDelayForNewTerm(long startDelayNs, long beaconIntervalNs, long delayLeftAtLastBeaconNs,
                                     long sinceLastBeaconNs) {
        if (!followedBefore) {
            return startDelayNs;
        }
        return Math.max(Math.max(0, delayLeftAtLastBeaconNs - sinceLastBeaconNs), beaconIntervalNs);
    }

    /** @return the highest epoch this agent followed, led or saw claimed one term ahead */
    public int highestEpochSeen() {
        return highestEpochSeen;
    }
}
