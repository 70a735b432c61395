package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit tests of {@link DataSilenceDetector}: the rule that tells a member whose data group
 * delivers nothing from one that loses part of it. The detector reads no clock; every time here is
 * an arbitrary {@code System.nanoTime()}-style value, including values near the long wrap-around.
 *
 * <p>The stores are real {@link BlockFile}s (the class is final): {@link #store(int...)} builds a
 * 64-block package holding exactly the given blocks.
 */
class DataSilenceDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long LIMIT = 3 * SECOND;
    private static final int BLOCK_SIZE = 1024;
    private static final int BLOCKS = 64;

    @TempDir
    Path dir;

    private final List<BlockFile> opened = new ArrayList<>();
    private BlockCache cache;
    private int tasks;

    @AfterEach
    void closeStores() throws IOException {
        for (BlockFile store : opened) {
            store.close();
        }
    }

    /** A 64-block package that holds exactly {@code held}. */
    private BlockFile store(int... held) throws IOException {
        if (cache == null) {
            cache = BlockCache.open(dir.resolve("cache"));
        }
        BlockFile store = cache.open("t" + tasks++, (long) BLOCKS * BLOCK_SIZE, BLOCK_SIZE, "id");
        opened.add(store);
        for (int block : held) {
            commit(store, block);
        }
        return store;
    }

    private static void commit(BlockFile store, int block) throws IOException {
        store.write(store.layout().offsetOf(block), ByteBuffer.wrap(new byte[store.layout().lengthOf(block)]));
        assertTrue(store.commitBlock(block), "test setup: block " + block + " committed");
    }

    private static int[] range(int from, int toExclusive) {
        int[] blocks = new int[toExclusive - from];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = from + i;
        }
        return blocks;
    }

    private static void assertNotWatching(DataSilenceDetector silence, long nowNs) {
        assertFalse(silence.passMovedWithoutData(), "pass moved");
        assertFalse(silence.isSilent(nowNs), "silent");
        assertEquals(Long.MAX_VALUE, silence.wakeNs(), "wake");
        assertEquals(0, silence.silentForNs(nowNs), "silent for");
    }

    // ---- a fresh detector ----

    @Test
    void aFreshDetectorWatchesNothingAtAnyTime() {
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        for (long now : new long[] {0, 1, LIMIT, -LIMIT, Long.MAX_VALUE, Long.MIN_VALUE, 123_456_789_012L}) {
            assertNotWatching(silence, now);
        }
    }

    @Test
    void dataBeforeAnyBeaconChangesNothing() {
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onData();
        silence.reset();
        silence.onData();
        assertNotWatching(silence, 10 * LIMIT);
    }

    // ---- the window and the evidence ----

    @Test
    void theFirstSendingBeaconStartsTheWindowButIsNoEvidence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long t0 = 5 * SECOND;
        silence.onBeacon(true, 10, store, t0);
        assertFalse(silence.passMovedWithoutData());
        assertEquals(0, silence.silentForNs(t0));
        assertEquals(LIMIT - 1, silence.silentForNs(t0 + LIMIT - 1), "counted from the first beacon");
        assertFalse(silence.isSilent(t0 + 100 * LIMIT), "no beacon showed the pass move");
        assertEquals(Long.MAX_VALUE, silence.wakeNs(), "a beacon must show the move first");
    }

    @Test
    void aPassMovingPastALackingBlockIsSilentExactlyAtTheLimit() throws IOException {
        BlockFile store = store(); // lacks everything
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long t0 = 7 * SECOND;
        silence.onBeacon(true, 0, store, t0);
        silence.onBeacon(true, 5, store, t0 + SECOND);
        assertTrue(silence.passMovedWithoutData());
        assertEquals(t0 + LIMIT, silence.wakeNs(), "counted from the window's start, not from the move");
        assertFalse(silence.isSilent(t0 + SECOND));
        assertFalse(silence.isSilent(t0 + LIMIT - 1), "one nanosecond before the limit");
        assertTrue(silence.isSilent(t0 + LIMIT), "exactly at the limit");
        assertTrue(silence.isSilent(t0 + LIMIT + 1));
        assertEquals(LIMIT, silence.silentForNs(t0 + LIMIT));
    }

    @Test
    void aPassMovingOnlyOverHeldBlocksIsNoEvidence() throws IOException {
        BlockFile store = store(range(0, 10)); // lacks 10..63
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 10, store, SECOND); // passed 0..9: all held
        assertFalse(silence.passMovedWithoutData(), "the pass stands at block 10, which is not passed yet");
        assertEquals(Long.MAX_VALUE, silence.wakeNs());
        silence.onBeacon(true, 11, store, 2 * SECOND); // passed block 10, which is lacking
        assertTrue(silence.passMovedWithoutData());
        assertEquals(LIMIT, silence.wakeNs(), "the window still began at the first beacon");
        assertTrue(silence.isSilent(LIMIT));
    }

    @Test
    void aLackingBlockBeforeTheBaselineIsNoEvidence() throws IOException {
        BlockFile store = store(range(10, BLOCKS)); // lacks 0..9 only
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 10, store, 0); // the pass is already past what we lack
        silence.onBeacon(true, 40, store, SECOND);
        silence.onBeacon(true, BLOCKS, store, 2 * SECOND); // the pass's end
        assertFalse(silence.passMovedWithoutData(), "a member missing only earlier blocks receives nothing due");
        assertFalse(silence.isSilent(2 * SECOND + 10 * LIMIT));
    }

    @Test
    void aCompleteStoreIsNeverSilent() throws IOException {
        BlockFile store = store(range(0, BLOCKS));
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long now = 0;
        for (int block = 0; block <= BLOCKS; block += 4) {
            silence.onBeacon(true, block, store, now);
            now += SECOND;
        }
        silence.onBeacon(true, Integer.MAX_VALUE, store, now);
        assertFalse(silence.passMovedWithoutData());
        assertFalse(silence.isSilent(now + 10 * LIMIT));
        assertEquals(Long.MAX_VALUE, silence.wakeNs());
    }

    @Test
    void aPassThatStandsOrGoesBackIsNoEvidence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 20, store, 0);
        silence.onBeacon(true, 20, store, SECOND);
        assertFalse(silence.passMovedWithoutData(), "same position");
        silence.onBeacon(true, 5, store, 2 * SECOND);
        assertFalse(silence.passMovedWithoutData(), "a pass going back (a new pass, a successor) is no move");
        silence.onBeacon(true, 19, store, 2 * SECOND + MS);
        assertFalse(silence.passMovedWithoutData(), "still short of the baseline");
        silence.onBeacon(true, 21, store, 2 * SECOND + 2 * MS);
        assertTrue(silence.passMovedWithoutData(), "past block 20, which is lacking");
        assertEquals(LIMIT, silence.wakeNs());
    }

    @Test
    void theLackingBlockMustBeStrictlyBehindThePass() throws IOException {
        BlockFile store = store(range(0, 30)); // first lacking block: 30
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 25, store, 0);
        silence.onBeacon(true, 30, store, SECOND);
        assertFalse(silence.passMovedWithoutData(), "the pass is at block 30, not past it");
        silence.onBeacon(true, 31, store, 2 * SECOND);
        assertTrue(silence.passMovedWithoutData(), "the pass is past block 30");
    }

    @Test
    void blocksFilledMeanwhileByRepairAreNoLongerLacking() throws IOException {
        BlockFile store = store(range(0, 5)); // lacks 5..63
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        for (int block = 5; block < 20; block++) {
            commit(store, block); // e.g. fetched from a peer
        }
        silence.onBeacon(true, 20, store, SECOND);
        assertFalse(silence.passMovedWithoutData(), "the store is read when the beacon arrives");
        silence.onBeacon(true, 21, store, 2 * SECOND);
        assertTrue(silence.passMovedWithoutData());
    }

    @Test
    void aPassEndingBeforeTheLimitReportsTheMoveAtOnce() throws IOException {
        BlockFile store = store(range(0, BLOCKS - 1)); // lacks only the last block
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 60, store, 0);
        silence.onBeacon(true, BLOCKS, store, 200 * MS); // next_block == blockCount: the pass is done
        assertTrue(silence.passMovedWithoutData(), "the caller judges a short pass at its end by this");
        assertFalse(silence.isSilent(200 * MS), "the limit itself has not run out");
        assertEquals(LIMIT, silence.wakeNs());
    }

    @Test
    void aPassThatMovesAfterTheLimitIsSilentAtThatBeacon() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        // One late beacon both shows the move and comes after the limit: the move is checked before
        // the window may slide, so it is evidence and the silence is already long enough.
        silence.onBeacon(true, 8, store, 5 * SECOND);
        assertTrue(silence.isSilent(5 * SECOND));
        assertEquals(LIMIT, silence.wakeNs());
        assertEquals(5 * SECOND, silence.silentForNs(5 * SECOND));
    }

    @Test
    void evidenceIsLatchedUntilDataOrAReset() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 3, store, SECOND);
        // Later beacons, going back or standing still for many limits, neither undo it nor slide the window.
        silence.onBeacon(true, 0, store, 2 * SECOND);
        silence.onBeacon(true, 0, store, 10 * LIMIT);
        silence.onBeacon(true, 1000, store, 11 * LIMIT);
        assertTrue(silence.passMovedWithoutData());
        assertEquals(LIMIT, silence.wakeNs(), "the window did not slide after the evidence");
        assertEquals(11 * LIMIT, silence.silentForNs(11 * LIMIT));
    }

    // ---- the sliding window ----

    @Test
    void theWindowSlidesExactlyAtTheLimitWhenThePassStands() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 4, store, 0);
        silence.onBeacon(true, 4, store, LIMIT - 1);
        assertEquals(LIMIT - 1, silence.silentForNs(LIMIT - 1), "one nanosecond short: no slide");
        silence.onBeacon(true, 4, store, LIMIT);
        assertEquals(0, silence.silentForNs(LIMIT), "exactly at the limit: the window restarts");
        silence.onBeacon(true, 6, store, LIMIT + SECOND);
        assertTrue(silence.passMovedWithoutData());
        assertEquals(2 * LIMIT, silence.wakeNs(), "the limit runs from the slide");
        assertFalse(silence.isSilent(2 * LIMIT - 1));
        assertTrue(silence.isSilent(2 * LIMIT));
    }

    @Test
    void theWindowSlidesToThePassPositionAtTheSlide() throws IOException {
        BlockFile store = store(range(0, 10)); // lacks 10..63
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        // The pass moved for a whole limit, but only over held blocks: the window slides to block 10.
        silence.onBeacon(true, 10, store, LIMIT);
        assertFalse(silence.passMovedWithoutData());
        assertEquals(0, silence.silentForNs(LIMIT));
        silence.onBeacon(true, 10, store, LIMIT + SECOND);
        assertFalse(silence.passMovedWithoutData(), "the new baseline is block 10 itself");
        silence.onBeacon(true, 11, store, LIMIT + 2 * SECOND);
        assertTrue(silence.passMovedWithoutData());
        assertEquals(2 * LIMIT, silence.wakeNs());
    }

    @Test
    void aSlideForgetsTheSilenceBeforeIt() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onData(); // the last datagram, at t = 0
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 0, store, SECOND);
        silence.onBeacon(true, 0, store, 2 * SECOND);
        silence.onBeacon(true, 0, store, LIMIT); // stood still for a whole limit: slides
        silence.onBeacon(true, 1, store, LIMIT + SECOND); // now it moves past lacking block 0
        // NOTE: the detector documents this ("a pass that stands still for a whole limit restarts the
        // window"), but the price is worth knowing: after a stall, detection needs another whole limit
        // from the slide, so a member with no data since t = 0 falls back only at 2 * limit; a stall that
        // keeps recurring just under the next move restarts the clock each time. And silentForNs, which
        // SessionAgent.fallBackToUnicast puts in its "no multicast data for N ms" message, counts from the
        // slide, so the message understates the silence (here 3 s reported for 6 s without data).
        assertFalse(silence.isSilent(2 * LIMIT - 1));
        assertTrue(silence.isSilent(2 * LIMIT));
        assertEquals(LIMIT, silence.silentForNs(2 * LIMIT), "counted from the slide, not from the last datagram");
    }

    @Test
    void repeatedStallsKeepTheWindowSliding() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long now = 0;
        silence.onBeacon(true, 0, store, now);
        for (int i = 0; i < 50; i++) {
            now += LIMIT; // every beacon comes a whole limit later and the pass has not moved
            silence.onBeacon(true, 0, store, now);
            assertEquals(0, silence.silentForNs(now), "slid at round " + i);
            assertFalse(silence.isSilent(now));
        }
    }

    // ---- what ends the silence ----

    @Test
    void oneDatagramEndsTheSilenceAndTheNextBeaconStartsAFreshWindow() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 5, store, SECOND);
        assertTrue(silence.isSilent(LIMIT));
        silence.onData();
        assertNotWatching(silence, LIMIT);
        silence.onBeacon(true, 9, store, 4 * SECOND);
        assertFalse(silence.passMovedWithoutData(), "the old evidence is not carried over");
        assertEquals(0, silence.silentForNs(4 * SECOND));
        silence.onBeacon(true, 10, store, 5 * SECOND);
        assertEquals(4 * SECOND + LIMIT, silence.wakeNs(), "the new window began at the first beacon after the data");
    }

    @Test
    void aBeaconThatIsNotSendingForgetsTheSilence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 5, store, SECOND);
        assertTrue(silence.passMovedWithoutData());
        // Waiting, paused, ended: no data is due. (SessionAgent asks passMovedWithoutData before
        // handing the detector an ENDED beacon, so a short pass is still judged.)
        silence.onBeacon(false, 64, store, 2 * SECOND);
        assertNotWatching(silence, 10 * LIMIT);
        silence.onBeacon(true, 6, store, 20 * SECOND);
        assertFalse(silence.passMovedWithoutData());
        assertEquals(0, silence.silentForNs(20 * SECOND));
    }

    @Test
    void aBeaconWithoutAStoreForgetsTheSilence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, null, 0);
        assertNotWatching(silence, LIMIT); // the layout is not known yet: nothing can be lacking
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 5, store, SECOND);
        assertTrue(silence.passMovedWithoutData());
        silence.onBeacon(true, 9, null, 2 * SECOND);
        assertNotWatching(silence, 10 * LIMIT);
    }

    @Test
    void resetForgetsTheSilence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, 5, store, SECOND);
        assertTrue(silence.isSilent(LIMIT));
        silence.reset();
        assertNotWatching(silence, LIMIT);
        silence.onBeacon(true, 5, store, 4 * SECOND);
        assertFalse(silence.passMovedWithoutData(), "a reset starts over, evidence included");
        assertEquals(SECOND, silence.silentForNs(5 * SECOND));
    }

    // ---- limits ----

    @Test
    void aZeroLimitIsSilentAsSoonAsThePassMoved() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(0);
        silence.onBeacon(true, 0, store, 100);
        silence.onBeacon(true, 0, store, 200);
        assertEquals(0, silence.silentForNs(200), "every standing beacon slides the window");
        silence.onBeacon(true, 1, store, 300);
        assertTrue(silence.isSilent(300));
        assertEquals(200, silence.wakeNs());
    }

    // ---- wrap-around of time ----

    @Test
    void timeArithmeticSurvivesTheLongWrapAround() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long t0 = Long.MAX_VALUE - 2 * SECOND; // System.nanoTime() has an arbitrary origin
        long moved = t0 + SECOND; // not wrapped yet
        silence.onBeacon(true, 0, store, t0);
        silence.onBeacon(true, 5, store, moved);
        assertTrue(silence.passMovedWithoutData());
        assertFalse(silence.isSilent(t0 + LIMIT - 1));
        assertTrue(silence.isSilent(t0 + LIMIT));
        assertEquals(LIMIT, silence.silentForNs(t0 + LIMIT));
        assertEquals(t0 + LIMIT, silence.wakeNs(), "the wake wraps along with the clock");
        // NOTE: the wake wraps to a negative number, numerically smaller than "now" (still just below
        // Long.MAX_VALUE) and than every unwrapped wake. SessionAgent.protocolWakeNs and
        // SubnetcastEngine.schedule combine wakes with Math.min on absolute values, so this wake beats
        // every other one and looks overdue: from the moment the pass moved until the clock itself wraps
        // the engine would be woken at once, again and again (a busy loop for up to the silence limit),
        // while isSilent itself stays correct.
        assertTrue(silence.wakeNs() < moved, "documents the wrapped wake: numerically before now");
        assertFalse(silence.isSilent(moved), "although it is not due");
    }

    @Test
    void aWindowSlideAcrossTheWrapAroundWorks() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long t0 = Long.MAX_VALUE - 1;
        silence.onBeacon(true, 0, store, t0);
        silence.onBeacon(true, 0, store, t0 + LIMIT - 1);
        assertEquals(LIMIT - 1, silence.silentForNs(t0 + LIMIT - 1));
        silence.onBeacon(true, 0, store, t0 + LIMIT);
        assertEquals(0, silence.silentForNs(t0 + LIMIT), "slid exactly at the limit, across the wrap");
    }

    @Test
    void aWakeOfExactlyLongMaxValueLooksLikeNever() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        long t0 = Long.MAX_VALUE - LIMIT;
        silence.onBeacon(true, 0, store, t0);
        silence.onBeacon(true, 5, store, t0 + SECOND);
        // NOTE: Long.MAX_VALUE is also wakeNs's "nothing to wake for" sentinel. A window that began
        // exactly one limit before Long.MAX_VALUE yields a real wake indistinguishable from "never"; the
        // caller then learns of the silence only on some other event (a status timer or a beacon).
        assertEquals(Long.MAX_VALUE, silence.wakeNs());
        assertTrue(silence.isSilent(Long.MAX_VALUE), "yet the detector is silent at that very time");
    }

    @Test
    void wakeNsAndIsSilentAgreeEverywhere() throws IOException {
        BlockFile store = store();
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 2_000; round++) {
            long limit = 1 + random.nextLong(10 * SECOND);
            long t0 = round % 4 == 0 ? Long.MAX_VALUE - random.nextLong(2 * limit) : random.nextLong();
            DataSilenceDetector silence = new DataSilenceDetector(limit);
            silence.onBeacon(true, 0, store, t0);
            silence.onBeacon(true, 1 + random.nextInt(BLOCKS), store, t0 + random.nextLong(limit));
            long wake = silence.wakeNs();
            assertEquals(t0 + limit, wake, "round " + round);
            for (long delta : new long[] {-limit, -2, -1, 0, 1, 2, limit}) {
                long now = wake + delta;
                assertEquals(delta >= 0, silence.isSilent(now), "round " + round + " delta " + delta);
            }
        }
    }

    @Test
    void timeGoingBackwardsIsNotSilence() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 10 * SECOND);
        silence.onBeacon(true, 4, store, 5 * SECOND); // an earlier time: no slide, the move still counts
        assertTrue(silence.passMovedWithoutData());
        assertFalse(silence.isSilent(9 * SECOND));
        // With a monotonic clock this cannot happen; the method does not clamp.
        assertEquals(-SECOND, silence.silentForNs(9 * SECOND));
    }

    // ---- hostile and odd next_block values (uint32 on the wire, an int here) ----

    @Test
    void aNextBlockOf0xFFFFFFFFLooksLikeNotWatching() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0xFFFFFFFF, store, 0);
        // NOTE: next_block is a uint32; 0xFFFFFFFF arrives as -1, which is the detector's own
        // NOT_WATCHING marker. The beacon therefore starts no window, silentForNs says 0, and the next
        // beacon is taken as the first one: a representative (buggy, or forged in an unauthenticated
        // session) announcing 0xFFFFFFFF delays detection by a beacon each time, forever if it keeps it.
        assertNotWatching(silence, 10 * LIMIT);
        silence.onBeacon(true, 5, store, SECOND);
        assertFalse(silence.passMovedWithoutData(), "no move from -1 to 5: the window starts only now");
        assertEquals(SECOND, silence.silentForNs(2 * SECOND));
        long now = SECOND;
        for (int i = 0; i < 20; i++) {
            now += LIMIT;
            silence.onBeacon(true, 0xFFFFFFFF, store, now);
        }
        assertNotWatching(silence, now + 10 * LIMIT);
    }

    @Test
    void aWindowThatSlidesOnto0xFFFFFFFFStopsWatching() throws IOException {
        BlockFile store = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 3, store, 0);
        silence.onBeacon(true, 0xFFFFFFFF, store, SECOND);
        assertEquals(SECOND, silence.silentForNs(SECOND), "-1 is below the baseline: no move, still watching");
        silence.onBeacon(true, 0xFFFFFFFF, store, LIMIT);
        // NOTE: the slide copies next_block into the baseline; -1 is NOT_WATCHING, so the silence
        // accumulated so far is dropped without a reset and silentForNs falls to 0.
        assertNotWatching(silence, LIMIT);
    }

    @Test
    void aNextBlockAbove2Pow31IsANegativeBaselineTreatedAsBlockZero() throws IOException {
        BlockFile lacksAll = store();
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0x80000000, lacksAll, 0); // Integer.MIN_VALUE
        assertEquals(SECOND, silence.silentForNs(SECOND), "a negative position other than -1 is watched");
        silence.onBeacon(true, 5, lacksAll, SECOND);
        // NOTE: positions are compared as signed ints, so a uint32 next_block of 2^31 or more is "before"
        // every real block, and the store clamps the negative start to block 0: a move from 2^31 to 5
        // counts as passing blocks 0..4. Harmless for packages (at most 2^21 blocks) but a forged beacon
        // can turn a pass going back into evidence.
        assertTrue(silence.passMovedWithoutData());

        BlockFile holdsPrefix = store(range(0, 10));
        DataSilenceDetector other = new DataSilenceDetector(LIMIT);
        other.onBeacon(true, 0x80000000, holdsPrefix, 0);
        other.onBeacon(true, 5, holdsPrefix, SECOND);
        assertFalse(other.passMovedWithoutData(), "blocks 0..4 are held");
        other.onBeacon(true, 11, holdsPrefix, 2 * SECOND);
        assertTrue(other.passMovedWithoutData(), "block 10 lacking, passed");
    }

    @Test
    void aNextBlockBeyondThePackageCountsAsPassingEveryLackingBlock() throws IOException {
        BlockFile store = store(range(0, BLOCKS - 1)); // lacks only block 63
        DataSilenceDetector silence = new DataSilenceDetector(LIMIT);
        silence.onBeacon(true, 0, store, 0);
        silence.onBeacon(true, Integer.MAX_VALUE, store, SECOND);
        assertTrue(silence.passMovedWithoutData());
    }
}
