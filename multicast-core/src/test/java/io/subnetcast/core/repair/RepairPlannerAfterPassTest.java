package io.subnetcast.core.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.wire.proto.Nak;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RepairPlanner#afterPass} with a gap repair: the repair starts at the pass's end, and only
 * the blocks a NAK round can bring (at least the NAK threshold of agents lack them, by this
 * member's directory) wait the repair delay. On a recording gap repair and a virtual clock.
 */
class RepairPlannerAfterPassTest extends PlannerTestBase {
    private static final long SELF = 1;
    private static final long REPRESENTATIVE = 9;
    private static final int THRESHOLD = 3;

    RepairPlannerAfterPassTest() {
        super(SELF, REPRESENTATIVE);
    }

    @BeforeEach
    void threshold() {
        directory = new PeerDirectory(BLOCKS, 16);
        planner.nakThreshold(THRESHOLD);
        directory.update(REPRESENTATIVE, URI.create("http://rep.test/"), true, 0, new byte[0], 0);
    }

    /** Every block got most of, but those lost whole here. */
    private void lostWhole(int... blocks) {
        for (int block = 0; block < BLOCKS; block++) {
            int b = block;
            if (Arrays.stream(blocks).noneMatch(lost -> lost == b)) {
                mostOf(block);
            }
        }
    }

    /** A peer advertises every block but the given ones. */
    private void advertise(long nodeId, int... lacking) {
        byte[] held = PeerDirectory.encode(block -> Arrays.stream(lacking).noneMatch(b -> b == block),
                BLOCKS, 0, 64);
        directory.update(nodeId, URI.create("http://peer" + nodeId + ".test/"), false, 0, held, 0);
    }

    /** Runs the planner until {@code untilNs} as its wake-ups ask (and every 10 ms at least). */
    private void runUntil(long fromNs, long untilNs) {
        for (long t = fromNs; t <= untilNs; t = Math.min(planner.nextWakeNs(t), t + 10 * MS)) {
            planner.doWork(store, tracker, true, t);
        }
    }

    private List<Integer> roundNakBlocks() {
        return naks.stream().filter(Nak.Builder::getRound).flatMap(n -> n.getRangesList().stream())
                .map(r -> r.getBlock()).sorted().toList();
    }

    /**
     * The testbed's case: each member lost different blocks, so no block is lacked by the threshold
     * and the representative multicasts none again. The round NAK still goes out (the
     * representative's view may differ), but nothing waits for it.
     */
    @Test
    void blocksTooFewAgentsLackAreRepairedFromTheEndOfThePass() {
        lostWhole(2, 6);
        advertise(2, 6);
        advertise(3);
        long now = 1_000 * MS;
        planner.afterPass(store, tracker, now);
        assertEquals(1, repairsStarted, "the gap repair starts at the pass's end");
        assertEquals(RepairPlanner.Mode.GAP_REPAIR, planner.mode());
        assertTrue(planner.isRunning());
        assertTrue(planner.repairable(2), "only this member lacks it: no round multicasts it");
        assertTrue(planner.repairable(6), "two agents lack it, the threshold is three");
        assertTrue(planner.repairable(5), "a scattered gap");

        runUntil(now, now + 600 * MS);
        assertEquals(List.of(2, 6), roundNakBlocks(), "the round NAK names them all the same");
    }

    @Test
    void aBlockTheThresholdOfAgentsLackWaitsTheRepairDelayTheRestIsRepairedAtOnce() {
        lostWhole(2, 6);
        advertise(2, 2);
        advertise(3, 2);
        long now = 1_000 * MS;
        planner.afterPass(store, tracker, now);
        assertEquals(1, repairsStarted, "the gap repair starts at the pass's end");
        assertFalse(planner.repairable(2), "three agents lack it: its retransmission comes first");
        assertTrue(planner.repairable(6), "only this member lacks it");
        assertTrue(planner.repairable(5), "a scattered gap");

        runUntil(now, now + 990 * MS);
        assertEquals(List.of(2, 6), roundNakBlocks());
        assertFalse(planner.repairable(2), "within the repair delay");
        runUntil(now + 1_000 * MS, now + 1_000 * MS);
        assertTrue(planner.repairable(2), "after the repair delay it is the gap repair's");
        assertEquals(1, repairsStarted);
    }

    /**
     * The representative's directory does not hold the representative, nor does a member's hold
     * the member (its own adverts are dropped), but a directory may list either: this member
     * counts once, the representative not at all, as the representative counts.
     */
    @Test
    void thisMemberCountsOnceAndTheRepresentativeNotAtAll() {
        lostWhole(2);
        advertise(SELF, 2);
        advertise(REPRESENTATIVE, 2); // a successor still downloading it
        advertise(3, 2);
        planner.afterPass(store, tracker, 1_000 * MS);
        assertEquals(1, repairsStarted);
        assertTrue(planner.repairable(2), "two agents lack it (this one and node 3), the threshold is three");
    }

    @Test
    void theThresholdCountsThisMemberAndEveryOtherMember() {
        lostWhole(2);
        advertise(SELF, 2);
        advertise(3, 2);
        advertise(4, 2);
        planner.afterPass(store, tracker, 1_000 * MS);
        assertEquals(1, repairsStarted);
        assertFalse(planner.repairable(2), "three agents lack it: this one, nodes 3 and 4");
    }

    @Test
    void scatteredChunkLossIsRepairedAtOnceWithoutARound() {
        lostWhole();
        long now = 1_000 * MS;
        planner.afterPass(store, tracker, now);
        assertEquals(1, repairsStarted, "no round to wait for");
        assertEquals(RepairPlanner.Mode.GAP_REPAIR, planner.mode());
        for (int block = 0; block < BLOCKS; block++) {
            assertTrue(planner.repairable(block), "block " + block);
        }
        runUntil(now, now + 2_000 * MS);
        assertTrue(naks.isEmpty(), "nothing to NAK");
    }

    @Test
    void withoutADirectoryEveryMostlyMissingBlockWaitsForItsRound() {
        directory = null;
        lostWhole(2);
        long now = 1_000 * MS;
        planner.afterPass(store, tracker, now);
        assertEquals(1, repairsStarted);
        assertFalse(planner.repairable(2), "who else lacks it is unknown: the round may bring it");
        assertTrue(planner.repairable(5));
        runUntil(now, now + 1_000 * MS);
        assertTrue(planner.repairable(2));
    }
}
