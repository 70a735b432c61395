package io.subnetcast.core.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.peers.PeerDirectory;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RepairPlanner#duringPass}: which blocks the gap repair may take while the pass runs, on a
 * recording gap repair and a virtual clock.
 */
class RepairPlannerDuringPassTest extends PlannerTestBase {
    RepairPlannerDuringPassTest() {
        super(1, 0);
    }

    @Test
    void onlyBlocksThePassWentByAreRepairedAndMostlyMissingOnesWaitForTheirRound() {
        for (int block = 0; block < BLOCKS; block++) {
            if (block != 1) {
                mostOf(block); // block 1 is lost whole
            }
        }
        long now = 1_000 * MS;
        planner.duringPass(store, tracker, 0, false, now);
        assertEquals(0, repairsStarted, "the pass went by nothing yet");

        planner.duringPass(store, tracker, 4, false, now);
        assertEquals(1, repairsStarted);
        assertTrue(planner.repairingDuringPass());
        assertFalse(planner.isRunning(), "a repair during the pass does not stand in for the representative");
        assertTrue(planner.repairable(0));
        assertFalse(planner.repairable(1), "lost whole: the NAK round's retransmission comes first");
        assertTrue(planner.repairable(3));
        assertFalse(planner.repairable(4), "the pass has yet to send it");

        planner.doWork(store, tracker, true, now + 600 * MS);
        assertEquals(1, naks.size(), "one round NAK");
        assertEquals(1, naks.get(0).getRanges(0).getBlock());
        planner.doWork(store, tracker, true, now + 1_001 * MS);
        assertTrue(planner.repairable(1), "after the repair delay it is the gap repair's");

        planner.duringPass(store, tracker, 8, false, now + 1_100 * MS);
        assertTrue(planner.repairable(7));
        assertFalse(planner.repairable(8));

        planner.afterPass(store, tracker, now + 2_000 * MS);
        assertEquals(1, repairsStarted, "the same gap repair goes on after the pass");
        assertTrue(planner.isRunning());
        assertTrue(planner.repairable(9));
    }

    /**
     * With a directory and the session's NAK threshold, a block lost whole waits for its round only
     * if the representative would multicast it again: at least the threshold of agents lack it.
     */
    @Test
    void duringThePassOnlyABlockTheThresholdOfAgentsLackWaitsForItsRound() {
        directory = new PeerDirectory(BLOCKS, 16);
        planner.nakThreshold(3);
        for (int block = 0; block < BLOCKS; block++) {
            if (block != 1 && block != 2) {
                mostOf(block); // blocks 1 and 2 are lost whole
            }
        }
        directory.update(2, URI.create("http://peer2.test/"), false, 0,
                PeerDirectory.encode(block -> block != 2, BLOCKS, 0, 64), 0);
        directory.update(3, URI.create("http://peer3.test/"), false, 0,
                PeerDirectory.encode(block -> block != 2, BLOCKS, 0, 64), 0);
        long now = 1_000 * MS;
        planner.duringPass(store, tracker, 4, false, now);
        assertEquals(1, repairsStarted);
        assertTrue(planner.repairable(1), "only this member lacks it: no round multicasts it");
        assertFalse(planner.repairable(2), "three agents lack it: its retransmission comes first");
        planner.doWork(store, tracker, true, now + 600 * MS);
        assertEquals(1, naks.size(), "one round NAK, for both");
        assertEquals(2, naks.get(0).getRangesCount());
    }

    @Test
    void aMemberThatLosesLatelyRepairsNothingNewDuringThePass() {
        for (int block = 0; block < BLOCKS; block++) {
            mostOf(block);
        }
        long now = 1_000 * MS;
        planner.duringPass(store, tracker, 4, true, now);
        assertEquals(0, repairsStarted, "it would compete with the pass for its link or CPU");

        planner.duringPass(store, tracker, 4, false, now + 100 * MS);
        assertEquals(1, repairsStarted);
        assertTrue(planner.repairable(2));
        planner.duringPass(store, tracker, 6, true, now + 200 * MS);
        assertFalse(planner.repairable(2), "losing again: no new block until it receives cleanly");
        planner.afterPass(store, tracker, now + 300 * MS);
        assertTrue(planner.repairable(2), "after the pass nothing competes");
        assertTrue(planner.repairable(9));
    }
    /**
     * With parity first (an experiment, off by default): a block got more than half of is asked
     * for by one parity NAK and kept from the gap repair for the repair delay; a block lost whole
     * still goes to the NAK round.
     */
    @Test
    void withParityFirstScatteredGapsAreAskedForByParityBeforeTheGapRepairTakesThem() {
        for (int block = 0; block < BLOCKS; block++) {
            if (block != 1) {
                mostOf(block); // one chunk of four missing
            }
        }
        io.subnetcast.core.receive.ParityRecovery parity =
                new io.subnetcast.core.receive.ParityRecovery(store.layout(), CHUNK, 64);
        planner.parityBeforeGapRepair(true);
        planner.useParity(parity);
        long now = 1_000 * MS;
        planner.duringPass(store, tracker, 4, false, now);
        assertEquals(1, repairsStarted);
        for (int block = 0; block < 4; block++) {
            assertFalse(planner.repairable(block), "block " + block + " waits for its parity or its round");
        }
        for (long t = now; t <= now + 600 * MS; t = Math.min(planner.nextWakeNs(t), t + 10 * MS)) {
            planner.doWork(store, tracker, parity, true, t);
        }
        java.util.List<Integer> parityAsked = naks.stream().flatMap(n -> n.getParityList().stream())
                .map(io.subnetcast.core.wire.proto.ParityRequest::getBlock).sorted().toList();
        assertEquals(java.util.List.of(0, 2, 3), parityAsked, "once each, the blocks the pass went by");
        assertTrue(naks.stream().anyMatch(n -> n.getRound() && n.getRanges(0).getBlock() == 1), "block 1 in the round");
        for (long t = now + 600 * MS; t <= now + 3_000 * MS; t += 100 * MS) {
            planner.doWork(store, tracker, parity, true, t);
        }
        assertEquals(3, naks.stream().mapToInt(n -> n.getParityCount()).sum(), "not asked again: the gap repair's now");
        assertTrue(planner.repairable(0), "after the repair delay it is the gap repair's");
    }
}
