package io.subnetcast.core.session;

/**
 * A snapshot of one agent's part in a task: the numbers a progress bar needs.
 *
 * @param taskId the task
 * @param state the agent's state
 * @param role its role
 * @param bytesHeld verified package bytes held
 * @param packageLength package length, or -1 while unknown
 * @param membersKnown members the representative knows (as reported to members in beacons)
 * @param membersComplete of those, how many report completion
 * @param startDelayRemainingMs milliseconds until the multicast starts, 0 once it has
 * @param epoch the representative term this agent follows
 * @param bytesFromOrigin package bytes this agent fetched from the origin
 * @param bytesFromMulticast package bytes this agent took from the multicast
 * @param bytesFromRepair package bytes this agent took from repair (retransmission or peers)
 * @param fallback why this member stopped waiting for multicast data and completes over unicast
 *     (its session's data group delivers nothing here), or null while it has not
 * @param passBytes on the representative, the package bytes its multicast pass has gone past (sent,
 *     or skipped because every member holds them); 0 on a member
 * @param bytesFromBasis package bytes found in this agent's basis files (older versions it was
 *     given) and reused instead of fetched
 */
public record SessionProgress(String taskId, AgentState state, Role role, long bytesHeld, long packageLength,
                              int membersKnown, int membersComplete, long startDelayRemainingMs, int epoch,
                              long bytesFromOrigin, long bytesFromMulticast, long bytesFromRepair,
                              String fallback, long passBytes, long bytesFromBasis) {
    /** @return whether this member fell back to unicast because multicast data never arrived */
    public boolean fellBackToUnicast() {
        return fallback != null;
    }
}
