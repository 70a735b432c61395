package io.subnetcast.core.session;

/** The visible states of a {@link SessionAgent}; reported through progress events. */
public enum AgentState {
    /** Looking for an existing session of the task on the subnet. */
    DISCOVERING,
    /** No session found: offering to be the representative. */
    CLAIMING,
    /** Representative: downloading from the origin while the start delay runs. */
    FETCHING,
    /** Member: joined a session whose multicast has not started yet. */
    WAITING,
    /** Representative: multicasting blocks. */
    SENDING,
    /** Member: caching what the multicast carries. */
    RECEIVING,
    /** The session is paused by its representative (or this agent was paused). */
    PAUSED,
    /** The multicast pass is over and blocks are still missing: completing them. */
    REPAIRING,
    /** The verified package is in place. The agent may still serve others until it lingers out. */
    COMPLETE,
    /** The task failed; the reason is reported with the failure. */
    FAILED,
    /** The task was cancelled locally. */
    CANCELLED;

    /** @return true for states from which the agent never leaves */
    public boolean isTerminal() {
        return this == FAILED || this == CANCELLED;
    }
}
