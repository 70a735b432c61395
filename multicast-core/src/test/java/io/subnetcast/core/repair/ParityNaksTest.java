package io.subnetcast.core.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.receive.ParityRecovery;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.ParityRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member without gap repair after the pass: its parity NAKs ({@link ParityNaks} through the
 * {@link RepairPlanner}), their need-ordered back-off, their suppression by what other members
 * asked for, and their rounds, on a virtual clock.
 */
class ParityNaksTest {
    private static final long MS = 1_000_000L;
    private static final int CHUNK = 1024;
    private static final int CHUNKS = 40;
    private static final int BLOCK = CHUNKS * CHUNK;
    private static final int BLOCKS = 4;
    private static final long INTERVAL_NS = 500 * MS;
    private static final long SLOT_NS = INTERVAL_NS / 2 / ParityNaks.SLOTS;

    @TempDir
    Path dir;
    private BlockFile store;
    private ChunkTracker tracker;
    private ParityRecovery parity;
    private final List<Nak> naks = new ArrayList<>();
    private final List<Long> nakTimes = new ArrayList<>();
    private RepairPlanner planner;
    private long now;

    @BeforeEach
    void open() throws IOException {
        store = BlockCache.open(dir).open("t", (long) BLOCKS * BLOCK, BLOCK, "id");
        tracker = new ChunkTracker(store.layout(), CHUNK);
        parity = new ParityRecovery(store.layout(), CHUNK, 64);
        planner = new RepairPlanner("t", null, null, () -> null, nak -> {
            naks.add(nak.build());
            nakTimes.add(now);
        }, new SplittableRandom(5), Duration.ofNanos(INTERVAL_NS), Duration.ofSeconds(1));
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** Writes and records every chunk of a block but the first {@code missing} of them. */
    private void holdAllBut(int block, int missing) throws IOException {
        for (int chunk = missing; chunk < CHUNKS; chunk++) {
            store.write((long) block * BLOCK + chunk * CHUNK, java.nio.ByteBuffer.allocate(CHUNK));
            tracker.record(block, chunk * CHUNK);
        }
    }

    /** Runs the planner at each of its wake-ups until {@code until}. */
    private void runUntil(long until) {
        while (true) {
            long wake = planner.nextWakeNs(now);
            if (wake > until) {
                now = until;
                return;
            }
            now = Math.max(now, wake);
            planner.doWork(store, tracker, parity, true, now);
        }
    }

    private static Nak heardAsking(int block, int count) {
        return Nak.newBuilder().addParity(ParityRequest.newBuilder().setBlock(block).setCount(count)).build();
    }

    @Test
    void aLargerNeedSpeaksInAnEarlierSlotAndAsksForAMargin() throws IOException {
        holdAllBut(0, 20);
        holdAllBut(1, 5);
        holdAllBut(2, 0);
        assertTrue(store.commitBlock(2)); // whole: nothing to ask for
        holdAllBut(3, 1);
        now = 10_000 * MS;
        long passEnd = now;
        planner.afterPass(store, tracker, now);
        runUntil(passEnd + INTERVAL_NS / 2);
        assertEquals(3, naks.size(), "one NAK per block that misses chunks, each when its slot comes: " + naks);
        assertEquals(0, naks.get(0).getParity(0).getBlock(), "the largest need first");
        assertEquals(ParityNaks.ask(20), naks.get(0).getParity(0).getCount());
        assertEquals(1, naks.get(1).getParity(0).getBlock());
        assertEquals(3, naks.get(2).getParity(0).getBlock());
        assertEquals(2, ParityNaks.ask(1), "a margin over a need of one");
        assertEquals(ParityNaks.ask(1), naks.get(2).getParity(0).getCount());
        assertSlot(20, nakTimes.get(0) - passEnd);
        assertSlot(5, nakTimes.get(1) - passEnd);
        assertSlot(1, nakTimes.get(2) - passEnd);
    }

    private static void assertSlot(int need, long afterPassNs) {
        long slot = ParityNaks.SLOTS - 1 - need;
        assertTrue(afterPassNs >= slot * SLOT_NS && afterPassNs < (slot + 1) * SLOT_NS,
                "need " + need + " speaks in slot " + slot + ", not at " + afterPassNs / 1e6 + " ms");
    }

    @Test
    void aNakAskingForAtLeastAsMuchSilencesTheBlockAndALesserOneDoesNot() throws IOException {
        holdAllBut(0, 6);
        holdAllBut(1, 6);
        holdAllBut(2, 6);
        holdAllBut(3, 6);
        now = 10_000 * MS;
        long passEnd = now;
        planner.afterPass(store, tracker, now);
        planner.suppress(heardAsking(0, ParityNaks.ask(6)), 0);
        planner.suppress(heardAsking(1, ParityNaks.ask(6) + 5), 0);
        planner.suppress(heardAsking(2, ParityNaks.ask(6) - 1), 0);
        planner.suppress(heardAsking(-1, 100), 0); // hostile: ignored
        planner.suppress(heardAsking(BLOCKS, 100), 0);
        runUntil(passEnd + INTERVAL_NS / 2);
        List<Integer> asked = naks.stream().flatMap(n -> n.getParityList().stream()).map(ParityRequest::getBlock).toList();
        assertEquals(List.of(2, 3), asked.stream().sorted().toList(), "blocks 0 and 1 were asked for enough by others");
    }

    @Test
    void aBlockStillMissingIsAskedForAgainEachRoundUntilWhole() throws IOException {
        holdAllBut(0, 3);
        for (int block = 1; block < BLOCKS; block++) {
            holdAllBut(block, 0);
            assertTrue(store.commitBlock(block));
        }
        now = 10_000 * MS;
        long passEnd = now;
        planner.afterPass(store, tracker, now);
        runUntil(passEnd + INTERVAL_NS / 2);
        assertEquals(1, naks.size());
        runUntil(passEnd + 2 * INTERVAL_NS);
        assertEquals(2, naks.size(), "the parity did not come: asked again a round later");
        assertEquals(ParityNaks.ask(3), naks.get(1).getParity(0).getCount());
        assertTrue(nakTimes.get(1) - nakTimes.get(0) >= INTERVAL_NS);
        holdAllBut(0, 0);
        assertTrue(store.commitBlock(0));
        runUntil(passEnd + 5 * INTERVAL_NS);
        assertEquals(2, naks.size(), "whole: no more NAKs");
    }
}
