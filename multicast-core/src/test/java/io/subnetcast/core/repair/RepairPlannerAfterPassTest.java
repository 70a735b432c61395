package io.subnetcast.core.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.wire.proto.Nak;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RepairPlanner#afterPass} with a gap repair: the repair starts at the pass's end, and only
 * the blocks a NAK round can bring (at least the NAK threshold of agents lack them, by this
 * member's directory) wait the repair delay. On a recording gap repair and a virtual clock.
 */
class RepairPlannerAfterPassTest {
    private static final long MS = 1_000_000L;
    private static final int BLOCK = 4096;
    private static final int CHUNK = 1024;
    private static final int BLOCKS = 10;
    private static final long SELF = 1;
    private static final long REPRESENTATIVE = 9;
    private static final int THRESHOLD = 3;

    @TempDir
    Path dir;
    private BlockFile store;
    private ChunkTracker tracker;
    private PeerDirectory directory;
    private RepairPlanner planner;
    private final List<Nak.Builder> naks = new ArrayList<>();
    private int repairsStarted;

    @BeforeEach
    void open() throws IOException {
        store = BlockCache.open(dir).open("t", (long) BLOCKS * BLOCK, BLOCK, "id");
        tracker = new ChunkTracker(store.layout(), CHUNK);
        directory = new PeerDirectory(BLOCKS, 16);
        RepairContext context = new PlannerTestContext(() -> store, () -> tracker, () -> directory, SELF, REPRESENTATIVE);
        GapRepairFactory factory = (ctx, transfer) -> {
            repairsStarted++;
            return new IdleGapRepair();
        };
        planner = new RepairPlanner("t", factory, context, () -> null, naks::add, new SplittableRandom(3),
                Duration.ofMillis(500), Duration.ofSeconds(1));
        planner.nakThreshold(THRESHOLD);
        directory.update(REPRESENTATIVE, URI.create("http://rep.test/"), true, 0, new byte[0], 0);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** Marks three of a block's four chunks as received: more than half, a gap for peers. */
    private void mostOf(int block) {
        for (int offset = 0; offset < 3 * CHUNK; offset += CHUNK) {
            tracker.record(block, offset);
        }
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
