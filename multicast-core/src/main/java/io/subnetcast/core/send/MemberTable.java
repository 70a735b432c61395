package io.subnetcast.core.send;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The representative's view of its session's members, from their status reports: how many are
 * known and how many report completion, which is what a progress bar per deployment shows.
 * Bounded: beyond {@code maxMembers} new members are not tracked, so a flood of forged ids costs
 * nothing but the count.
 */
final class MemberTable {
    private static final class Member {
        long bytesHeld;
        boolean complete;
        long lastHeardNs;
    }

    private final int maxMembers;
    private final Map<Long, Member> members = new HashMap<>();
    private int complete;

    MemberTable(int maxMembers) {
        this.maxMembers = maxMembers;
    }

    /**
     * @return whether a member already known and not complete reports more bytes than before: it is
     *     making progress (and may still need the representative)
     */
    boolean update(long nodeId, long bytesHeld, boolean isComplete, long nowNs) {
        Member member = members.get(nodeId);
        boolean progressed = member != null && !member.complete && bytesHeld > member.bytesHeld;
        if (member == null) {
            if (members.size() >= maxMembers) {
                return false;
            }
            member = new Member();
            members.put(nodeId, member);
        }
        if (member.complete != isComplete) {
            complete += isComplete ? 1 : -1;
        }
        member.complete = isComplete;
        member.bytesHeld = bytesHeld;
        member.lastHeardNs = nowNs;
        return progressed;
    }

    void expire(long nowNs, long timeoutNs) {
        for (Iterator<Member> it = members.values().iterator(); it.hasNext(); ) {
            Member member = it.next();
            // A member that completed stays counted after it leaves: the deployment's progress
            // must not go backwards when finished agents exit.
            if (!member.complete && nowNs - member.lastHeardNs > timeoutNs) {
                it.remove();
            }
        }
    }

    boolean contains(long nodeId) {
        return members.containsKey(nodeId);
    }

    int known() {
        return members.size();
    }

    int complete() {
        return complete;
    }

    boolean allComplete() {
        return complete == members.size();
    }
}
