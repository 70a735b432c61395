package io.subnetcast.core.session;

/** What part an agent plays in its task's session. */
public enum Role {
    /** Not decided yet: discovering or claiming. */
    UNDECIDED,
    /** The domain representative: fetches once and multicasts. */
    REPRESENTATIVE,
    /** A member: receives the multicast. */
    MEMBER
}
