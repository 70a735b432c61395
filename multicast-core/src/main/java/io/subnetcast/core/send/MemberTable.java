package io.subnetcast.core.send;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The representative's view of its session's members, from their status reports: how many are
 * known and how many report completion, which is what a progress bar per deployment shows.
 * Bounded: beyond {@code maxMembers} new members are not tracked, so a flood of forged ids costs
 * nothing but the count. A full table still takes a member that is not complete, in the place of
 * one that reported completion (the oldest such report goes first): the representative needs to
 * know who still lacks blocks, and an unauthenticated burst of made-up complete reports must not
 * shut real members out and end its linger early. Only then does the count of complete members go
 * down; otherwise a member that completed stays counted after it leaves.
 */
final class MemberTable {
    private static final class Member {
        long bytesHeld;
        boolean complete;
        long lastHeardNs;
    }

    private final int maxMembers;
    private final Map<Long, Member> members = new HashMap<>();
    // The complete members' node ids, in the order they reported completion.
    private final LinkedHashSet<Long> completedOrder = new LinkedHashSet<>();
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
            if (members.size() >= maxMembers && (isComplete || !evictACompleteMember())) {
                return false;
            }
            member = new Member();
            members.put(nodeId, member);
        }
        if (member.complete != isComplete) {
            complete += isComplete ? 1 : -1;
            if (isComplete) {
                completedOrder.add(nodeId);
            } else {
                completedOrder.remove(nodeId);
            }
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

    /** Makes a place by dropping the member that reported completion first; false if none is complete. */
    private boolean evictACompleteMember() {
        Iterator<Long> first = completedOrder.iterator();
        if (!first.hasNext()) {
            return false;
        }
        members.remove(first.next());
        first.remove();
        complete--;
        return true;
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
