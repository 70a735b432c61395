package io.subnetcast.core.auth;

/** Why a receiver dropped a datagram for lack of authenticity. */
public enum AuthCounter {
    /** Sealed with a known key id, but malformed or with a tag that does not verify. */
    FORGED,
    /** Authentic, but received before or older than the replay window. */
    REPLAYED,
    /** Plain, or sealed with another key, yet addressed to a task that has a key. */
    UNAUTHENTICATED,
    /** Sealed with a key id no task here holds (another deployment's, or junk). */
    UNKNOWN_KEY
}
