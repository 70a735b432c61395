package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link MemberTable}, the representative's view of its members. It is fed from
 * STATUS messages off the network: node ids ({@code fixed64}), bytes held ({@code uint64}) and the
 * complete flag are whatever a sender put there, so ids, duplicates, floods and odd values are all
 * fair input. The table offers known, complete and allComplete as aggregates; it has no per-block
 * view (no "lowest next block": STATUS carries none).
 */
class MemberTableTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long TIMEOUT = 10 * SECOND;

    private static void assertCounts(MemberTable table, int known, int complete, boolean allComplete) {
        assertEquals(known, table.known(), "known");
        assertEquals(complete, table.complete(), "complete");
        assertEquals(allComplete, table.allComplete(), "allComplete");
    }

    // ---- an empty table ----

    @Test
    void anEmptyTableKnowsNobodyAndIsVacuouslyComplete() {
        MemberTable table = new MemberTable(16);
        // NOTE: allComplete() is true for an empty table (0 == 0). SessionAgent guards it with
        // known() > 0 in isDone; a new caller that forgets the guard would finish with nobody served.
        assertCounts(table, 0, 0, true);
        for (long id : new long[] {0, 1, -1, 0xFFFFFFFFL, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertFalse(table.contains(id), "id " + id);
        }
        table.expire(Long.MAX_VALUE, 0); // nothing to expire, nothing breaks
        assertCounts(table, 0, 0, true);
    }

    // ---- update: tracking and counts ----

    @Test
    void aFirstReportTracksTheMemberAndIsNotProgress() {
        MemberTable table = new MemberTable(16);
        assertFalse(table.update(7, 1_000_000, false, 0), "the first report has nothing to compare with");
        assertTrue(table.contains(7));
        assertFalse(table.contains(8));
        assertCounts(table, 1, 0, false);
    }

    @Test
    void aFirstReportOfCompletionCountsAtOnce() {
        MemberTable table = new MemberTable(16);
        assertFalse(table.update(7, 5_000, true, 0));
        assertCounts(table, 1, 1, true);
        assertFalse(table.update(8, 0, false, 0));
        assertCounts(table, 2, 1, false);
        table.update(8, 5_000, true, SECOND);
        assertCounts(table, 2, 2, true);
    }

    @Test
    void duplicatesCountOnce() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, false, 0);
        for (int i = 0; i < 1_000; i++) {
            assertFalse(table.update(1, 100, false, i), "the same bytes are no progress");
        }
        assertCounts(table, 1, 0, false);
        for (int i = 0; i < 1_000; i++) {
            assertFalse(table.update(2, 100, true, i));
        }
        assertCounts(table, 2, 1, false);
    }

    @Test
    void completionCanBeWithdrawnAndTheCountFollows() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, true, 0);
        table.update(2, 100, true, 0);
        assertCounts(table, 2, 2, true);
        table.update(1, 100, false, SECOND);
        // NOTE: one STATUS with complete=false takes a completed member out of the count, and then it
        // can expire too; the class comment says the deployment's progress must not go backwards, but
        // in an unauthenticated session a forged status (any sender may use any node id) does exactly
        // that, and a member that really restarted with an empty cache does it legitimately.
        assertCounts(table, 2, 1, false);
        table.update(1, 100, false, 2 * SECOND);
        assertCounts(table, 2, 1, false);
        table.update(1, 100, true, 3 * SECOND);
        assertCounts(table, 2, 2, true);
    }

    @Test
    void theCompleteCountStaysConsistentOverManyFlips() {
        MemberTable table = new MemberTable(16);
        for (int i = 0; i < 101; i++) {
            table.update(1, i, i % 2 == 0, i);
        }
        assertCounts(table, 1, 1, true); // i = 100 is even: complete
        table.update(1, 0, false, 200);
        assertCounts(table, 1, 0, false);
    }

    // ---- update: the progress answer ----

    @Test
    void moreBytesThanBeforeIsProgress() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, false, 0);
        assertTrue(table.update(1, 101, false, 1), "one byte more");
        assertFalse(table.update(1, 101, false, 2), "the same");
        assertFalse(table.update(1, 50, false, 3), "fewer");
        // NOTE: progress is judged against the last report, not the best one: after a report of fewer
        // bytes (a member that dropped blocks, or a forger alternating values), any rise is "progress".
        // A sender that alternates 50/60 extends the representative's linger on every second status.
        assertTrue(table.update(1, 60, false, 4), "more than the last report, though less than the best");
    }

    @Test
    void aReportThatCompletesWithMoreBytesIsProgress() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, false, 0);
        assertTrue(table.update(1, 200, true, 1), "judged against the member as it was: not complete");
        assertCounts(table, 1, 1, true);
    }

    @Test
    void aReportThatCompletesWithTheSameBytesIsNotProgress() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, false, 0);
        assertFalse(table.update(1, 100, true, 1));
        assertCounts(table, 1, 1, true);
    }

    @Test
    void aCompleteMemberNeverProgresses() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, true, 0);
        assertFalse(table.update(1, 200, true, 1), "complete: it needs nothing more");
        assertFalse(table.update(1, 300, false, 2), "judged as it was: complete");
        assertTrue(table.update(1, 400, false, 3), "now incomplete, and more bytes");
    }

    @Test
    void bytesHeldAreComparedAsSignedLongs() {
        MemberTable table = new MemberTable(16);
        table.update(1, Long.MAX_VALUE, false, 0);
        assertFalse(table.update(1, Long.MIN_VALUE, false, 1), "uint64 2^63 reads as Long.MIN_VALUE");
        // NOTE: bytes_held is a uint64 on the wire but compared as a signed long here: a report of
        // 2^64 - 1 (read as -1) followed by 0 counts as progress, and so does any move from a value of
        // 2^63 or more to a small one. Only the linger of a representative depends on it.
        table.update(2, -1L, false, 0);
        assertTrue(table.update(2, 0, false, 1), "0xFFFFFFFFFFFFFFFF then 0");
        assertFalse(table.update(2, -5L, false, 2));
    }

    // ---- ids ----

    @Test
    void edgeIdsAreDistinctMembers() {
        MemberTable table = new MemberTable(16);
        long[] ids = {0, 1, -1, 0xFFFFFFFFL, 0xFFFFFFFF00000000L, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE};
        for (long id : ids) {
            table.update(id, 10, false, 0);
        }
        assertCounts(table, ids.length, 0, false);
        for (long id : ids) {
            assertTrue(table.contains(id), "id " + id);
        }
        assertFalse(table.contains(2));
        assertFalse(table.contains(0x7FFFFFFFL), "a neighbour of 0xFFFFFFFF");
        assertFalse(table.contains(0xFFFFFFFEL));
        table.update(-1, 10, true, 1);
        assertCounts(table, ids.length, 1, false);
        assertFalse(table.update(0xFFFFFFFFL, 10, false, 1), "-1 completing did not touch 0xFFFFFFFF");
        assertTrue(table.update(0xFFFFFFFFL, 11, false, 2));
    }

    // ---- capacity ----

    @Test
    void beyondTheCapacityNewMembersAreNotTracked() {
        MemberTable table = new MemberTable(3);
        table.update(1, 0, false, 0);
        table.update(2, 0, false, 0);
        table.update(3, 0, false, 0);
        assertCounts(table, 3, 0, false);
        assertFalse(table.update(4, 100, true, 1), "a stranger is not tracked");
        assertFalse(table.contains(4));
        assertCounts(table, 3, 0, false);
        assertFalse(table.update(4, 200, false, 2), "nor is its later report progress");
        assertFalse(table.contains(4));
    }

    @Test
    void aFullTableStillUpdatesItsMembers() {
        MemberTable table = new MemberTable(2);
        table.update(1, 0, false, 0);
        table.update(2, 0, false, 0);
        assertTrue(table.update(1, 10, false, 1), "progress while full");
        assertTrue(table.update(2, 10, true, 1), "completing while full, with more bytes");
        assertCounts(table, 2, 1, false);
        table.update(1, 20, true, 2);
        assertCounts(table, 2, 2, true);
    }

    @Test
    void aCapacityOfOneHoldsExactlyOne() {
        MemberTable table = new MemberTable(1);
        table.update(Long.MAX_VALUE, 0, false, 0);
        table.update(Long.MIN_VALUE, 0, true, 0);
        assertTrue(table.contains(Long.MAX_VALUE));
        assertFalse(table.contains(Long.MIN_VALUE));
        assertCounts(table, 1, 0, false);
    }

    @Test
    void aCapacityOfZeroOrLessTracksNobody() {
        for (int capacity : new int[] {0, -1, Integer.MIN_VALUE}) {
            MemberTable table = new MemberTable(capacity);
            assertFalse(table.update(1, 10, true, 0));
            assertFalse(table.contains(1));
            assertCounts(table, 0, 0, true); // vacuous, see anEmptyTableKnowsNobodyAndIsVacuouslyComplete
        }
    }

    @Test
    void aFloodOfForgedIdsIsBounded() {
        int capacity = 1_000;
        MemberTable table = new MemberTable(capacity);
        table.update(42, 0, false, 0); // a genuine member, heard first
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            table.update(random.nextLong(), random.nextLong(), random.nextBoolean(), i);
        }
        assertEquals(capacity, table.known());
        assertTrue(table.complete() <= table.known());
        assertTrue(table.contains(42), "a member heard before the flood keeps its place");
        assertFalse(table.update(43, 0, false, 100_000), "a genuine member arriving after the flood is shut out");
        assertFalse(table.contains(43));
    }

    // ---- expiry ----

    @Test
    void expiryIsStrictlyAfterTheTimeout() {
        MemberTable table = new MemberTable(16);
        table.update(1, 0, false, 100);
        table.expire(100 + TIMEOUT, TIMEOUT);
        assertTrue(table.contains(1), "exactly at the timeout: kept");
        table.expire(100 + TIMEOUT + 1, TIMEOUT);
        assertFalse(table.contains(1), "one nanosecond later: gone");
        assertCounts(table, 0, 0, true);
    }

    @Test
    void expiryCountsFromTheLastReport() {
        MemberTable table = new MemberTable(16);
        table.update(1, 0, false, 0);
        table.update(2, 0, false, 0);
        table.update(1, 0, false, 5 * SECOND); // a duplicate still refreshes the member
        table.expire(TIMEOUT + 1, TIMEOUT);
        assertTrue(table.contains(1));
        assertFalse(table.contains(2));
        table.expire(5 * SECOND + TIMEOUT + 1, TIMEOUT);
        assertFalse(table.contains(1));
    }

    @Test
    void aZeroTimeoutKeepsOnlyMembersHeardNow() {
        MemberTable table = new MemberTable(16);
        table.update(1, 0, false, 10);
        table.update(2, 0, false, 9);
        table.expire(10, 0);
        assertTrue(table.contains(1));
        assertFalse(table.contains(2));
    }

    @Test
    void aNegativeTimeoutExpiresEveryIncompleteMember() {
        MemberTable table = new MemberTable(16);
        table.update(1, 0, false, 10);
        table.update(2, 0, true, 10);
        table.expire(10, -1);
        assertFalse(table.contains(1), "0 > -1");
        assertTrue(table.contains(2));
        assertCounts(table, 1, 1, true);
    }

    @Test
    void expiryFreesPlacesForNewMembers() {
        MemberTable table = new MemberTable(2);
        table.update(1, 0, false, 0);
        table.update(2, 0, false, 0);
        table.update(3, 0, false, SECOND);
        assertFalse(table.contains(3));
        table.expire(TIMEOUT + 1, TIMEOUT);
        assertCounts(table, 0, 0, true);
        table.update(3, 0, false, TIMEOUT + 2);
        assertTrue(table.contains(3));
        assertCounts(table, 1, 0, false);
    }

    @Test
    void expiringTheLastIncompleteMemberMakesTheRestAllComplete() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, true, 0);
        table.update(2, 100, true, 0);
        table.update(3, 50, false, 0); // leaves without finishing
        assertCounts(table, 3, 2, false);
        table.expire(TIMEOUT + 1, TIMEOUT);
        assertCounts(table, 2, 2, true);
    }

    @Test
    void completeMembersNeverExpire() {
        MemberTable table = new MemberTable(16);
        table.update(1, 100, true, 0);
        table.expire(Long.MAX_VALUE, TIMEOUT);
        table.expire(Long.MIN_VALUE + TIMEOUT, TIMEOUT); // even across the wrap-around
        assertTrue(table.contains(1), "a finished agent that exits still counts as complete");
        assertCounts(table, 1, 1, true);
    }

    /**
     * Complete members are exempt from expiry by design (progress must not go backwards when
     * finished agents exit), so in an unauthenticated session one burst of STATUS messages with
     * made-up node ids and complete=true used to occupy every place for good: genuine members were
     * never tracked and allComplete() was true, which ended the representative's linger while real
     * members still needed repair. A member that still lacks blocks now takes the place of the
     * oldest complete report.
     */
    @Test
    void forgedCompleteReportsCannotShutOutAMemberThatStillNeedsBlocks() {
        int capacity = 64;
        MemberTable table = new MemberTable(capacity);
        for (long forged = 1_000; forged < 1_000 + capacity; forged++) {
            table.update(forged, 0, true, 0); // one datagram each, never heard again
        }
        long later = 1_000 * TIMEOUT;
        table.expire(later, TIMEOUT);
        assertCounts(table, capacity, capacity, true);
        assertFalse(table.update(7, 0, false, later), "a new member is no progress yet");
        assertTrue(table.contains(7), "a genuine member that lacks blocks is tracked");
        assertFalse(table.contains(1_000), "in the place of the oldest complete report");
        assertCounts(table, capacity, capacity - 1, false);
        assertTrue(table.update(7, 10, false, later + 1), "and its progress counts");
        assertFalse(table.update(8, 0, true, later), "a complete stranger still finds the table full");
        assertFalse(table.contains(8));
    }

    @Test
    void aFullTableOfIncompleteMembersTakesNobody() {
        MemberTable table = new MemberTable(2);
        table.update(1, 0, true, 0);
        table.update(2, 0, false, 0);
        table.update(3, 0, false, 0); // takes 1's place
        assertFalse(table.contains(1));
        table.update(4, 0, false, 0);
        assertFalse(table.contains(4), "no complete member left to give up its place");
        assertCounts(table, 2, 0, false);
    }

    @Test
    void theOldestCompletionGivesUpItsPlaceFirst() {
        MemberTable table = new MemberTable(3);
        table.update(1, 0, true, 0);
        table.update(2, 0, true, 0);
        table.update(3, 0, false, 0);
        table.update(1, 0, false, 1); // 1 is incomplete again: its completion no longer counts
        table.update(1, 0, true, 2); // and now completed after 2
        table.update(9, 0, false, 3);
        assertFalse(table.contains(2), "2 completed first");
        assertTrue(table.contains(1));
        assertCounts(table, 3, 1, false);
    }

    @Test
    void aForgedReportCanCompleteAGenuineMember() {
        MemberTable table = new MemberTable(16);
        table.update(7, 10, false, 0);
        table.update(8, 10, true, 0);
        table.update(7, 10, true, SECOND); // forged: same node id, another sender
        // NOTE: the table cannot tell who sent a status; with node ids visible to anyone on the control
        // group, a forged completion makes allComplete() true until the genuine member reports again.
        assertCounts(table, 2, 2, true);
        table.update(7, 20, false, 2 * SECOND); // the genuine member's next status
        assertCounts(table, 2, 1, false);
    }

    @Test
    void expiryHandlesTheClockWrapAround() {
        MemberTable table = new MemberTable(16);
        long heard = Long.MAX_VALUE - SECOND;
        table.update(1, 0, false, heard);
        table.expire(heard + TIMEOUT, TIMEOUT); // wraps to a negative value
        assertTrue(table.contains(1), "exactly at the timeout, across the wrap");
        table.expire(heard + TIMEOUT + 1, TIMEOUT);
        assertFalse(table.contains(1));
    }

    @Test
    void aReportFromTheFutureIsKeptUntilTheTimeoutPassesIt() {
        MemberTable table = new MemberTable(16);
        table.update(1, 0, false, 50 * SECOND);
        table.expire(SECOND, TIMEOUT); // now - lastHeard is negative
        assertTrue(table.contains(1));
        table.expire(60 * SECOND + 1, TIMEOUT);
        assertFalse(table.contains(1));
    }

    // ---- the aggregates against a model ----

    @Test
    void randomOperationsMatchAReferenceModel() {
        SplittableRandom random = new SplittableRandom(2026);
        for (int run = 0; run < 50; run++) {
            int capacity = 1 + random.nextInt(12);
            MemberTable table = new MemberTable(capacity);
            Map<Long, long[]> model = new HashMap<>(); // id -> {bytes, complete ? 1 : 0, lastHeard}
            LinkedHashSet<Long> completedOrder = new LinkedHashSet<>(); // complete ids, oldest first
            long now = random.nextLong();
            for (int step = 0; step < 2_000; step++) {
                now += random.nextLong(SECOND);
                if (random.nextInt(10) == 0) {
                    long timeout = random.nextLong(5 * SECOND);
                    table.expire(now, timeout);
                    long at = now;
                    model.values().removeIf(m -> m[1] == 0 && at - m[2] > timeout);
                } else {
                    long id = random.nextInt(20) - 5; // few ids, so duplicates and -1 are common
                    long bytes = random.nextInt(4) == 0 ? random.nextLong() : random.nextLong(1_000);
                    boolean complete = random.nextInt(3) == 0;
                    long[] m = model.get(id);
                    boolean expected = m != null && m[1] == 0 && bytes > m[0];
                    if (m == null && model.size() >= capacity && !complete && !completedOrder.isEmpty()) {
                        Long oldest = completedOrder.iterator().next(); // a full table gives it up
                        completedOrder.remove(oldest);
                        model.remove(oldest);
                    }
                    if (m == null && model.size() < capacity) {
                        m = new long[3];
                        model.put(id, m);
                    }
                    if (m != null) {
                        if (m[1] == 0 && complete) {
                            completedOrder.add(id);
                        } else if (m[1] == 1 && !complete) {
                            completedOrder.remove(id);
                        }
                        m[0] = bytes;
                        m[1] = complete ? 1 : 0;
                        m[2] = now;
                    }
                    assertEquals(expected, table.update(id, bytes, complete, now), "run " + run + " step " + step);
                }
                int completeCount = (int) model.values().stream().filter(m -> m[1] == 1).count();
                assertEquals(model.size(), table.known(), "run " + run + " step " + step);
                assertEquals(completeCount, table.complete(), "run " + run + " step " + step);
                assertEquals(completeCount == model.size(), table.allComplete(), "run " + run + " step " + step);
                assertTrue(table.known() <= capacity);
                for (long id = -5; id < 15; id++) {
                    assertEquals(model.containsKey(id), table.contains(id), "id " + id);
                }
            }
        }
    }
}
