package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.send.Representative.Phase;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.SessionPhase;
import io.subnetcast.core.wire.proto.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit tests of {@link Representative}, one term as the session's representative, on a recording
 * host and a virtual clock: its phases, what its beacons say, its End messages and when its duties
 * are done. The session simulations drive it through the whole agent; these pin the term alone.
 */
class RepresentativeTest {
    private static final long MS = 1_000_000L;
    private static final int BLOCK = 1024;
    private static final int BLOCKS = 4;
    private static final long START_DELAY_NS = 1_000 * MS;
    private static final long LINGER_NS = 30_000 * MS;

    @TempDir
    Path dir;

    private BlockFile store;
    private final Host host = new Host();
    private long nowNs = 5_000 * MS;

    @BeforeEach
    void openCompleteStore() throws IOException {
        store = BlockCache.open(dir).open("t", (long) BLOCKS * BLOCK, BLOCK, "id");
        for (int block = 0; block < BLOCKS; block++) {
            store.write((long) block * BLOCK, ByteBuffer.allocate(BLOCK));
            assertTrue(store.commitBlock(block));
        }
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private Representative term() {
        RepairPlanner planner = new RepairPlanner("t", null, null, () -> null, nak -> { }, new SplittableRandom(1),
                Duration.ofMillis(100), Duration.ofMillis(100));
        Representative term = new Representative(
                new Term("t", 7, 0, null, 99, 3, new InetSocketAddress("239.255.77.1", 41235)),
                new TermSettings(500 * MS, new ReportSchedule(2_000 * MS, 25, 1_000 * MS, 50, 10_000 * MS), 1500, 100_000_000, false, 100 * MS, 1, 16),
                nowNs + START_DELAY_NS, host, planner);
        term.sendBeacon(nowNs);
        return term;
    }

    private void advance(Representative term, long byNs) {
        long until = nowNs + byNs;
        // As the engine does: wake at the term's next wake time, never past the end.
        while (nowNs < until) {
            term.doWork(nowNs);
            long next = term.nextWakeNs(nowNs, host.lingerUntilNs - nowNs > 0 ? host.lingerUntilNs : Long.MAX_VALUE);
            nowNs = Math.max(nowNs + 1, Math.min(next, until));
        }
        term.doWork(nowNs);
    }

    private SessionPhase lastBeaconPhase() {
        for (int i = host.sent.size() - 1; i >= 0; i--) {
            if (host.sent.get(i).hasBeacon()) {
                return host.sent.get(i).getBeacon().getPhase();
            }
        }
        throw new AssertionError("no beacon sent");
    }

    private long ends() {
        return host.sent.stream().filter(Control::hasEnd).count();
    }

    @Test
    void startsTheDelayThenSendsThenServesOnceThePassIsOverAndTheCopyIsPlaced() {
        Representative term = term();
        assertEquals(Phase.STARTING, term.phase());
        assertEquals(SessionPhase.PHASE_WAITING, lastBeaconPhase());
        assertFalse(term.startFetchOrPublish(BLOCK, nowNs), "a complete store is published, not downloaded");
        assertEquals(1, host.publishRequests);

        advance(term, START_DELAY_NS / 2);
        assertEquals(Phase.STARTING, term.phase(), "the start delay is not over");
        assertTrue(host.chunks == 0);
        assertEquals(START_DELAY_NS / 2 / MS, term.startDelayRemainingMs(nowNs), 1);

        advance(term, START_DELAY_NS / 2 + MS);
        // The pass of four blocks is over at once at 100 Mbit/s: the Ends went out, but the copy is
        // not placed yet, so the term still shows as sending.
        advance(term, 1_000 * MS);
        assertEquals(BLOCKS, host.chunks, "every block of the pass, once (one chunk each)");
        assertEquals(Representative.END_REPEATS, ends());
        assertEquals(SessionPhase.PHASE_ENDED, lastBeaconPhase());
        assertEquals(Phase.SENDING, term.phase());
        assertTrue(host.lingerUntilNs > 0, "the linger counts from the end of the pass");

        host.published = true;
        term.onPublished("placed", nowNs);
        assertEquals(Phase.SERVING, term.phase());
        assertEquals(List.of(Phase.SENDING, Phase.SERVING), host.phases);
    }

    @Test
    void aPauseStopsTheStartDelayAndResumeGoesOnFromWhereItStopped() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, 400 * MS);
        term.pause(nowNs);
        assertEquals(Phase.PAUSED, term.phase());
        assertEquals(SessionPhase.PHASE_PAUSED, lastBeaconPhase());
        assertEquals(600, term.startDelayRemainingMs(nowNs));

        advance(term, 5_000 * MS);
        assertEquals(Phase.PAUSED, term.phase(), "paused: nothing moves");
        assertEquals(0, host.chunks);
        assertEquals(600, term.startDelayRemainingMs(nowNs), "the delay does not count down while paused");

        term.resume(nowNs);
        assertEquals(Phase.STARTING, term.phase());
        advance(term, 599 * MS);
        assertEquals(Phase.STARTING, term.phase());
        advance(term, 2 * MS);
        assertEquals(Phase.SENDING, term.phase());
    }

    @Test
    void dutiesAreDoneWhenEveryKnownMemberIsCompleteOrTheLingerIsOver() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, START_DELAY_NS + 1_000 * MS);
        assertEquals(Representative.END_REPEATS, ends());
        long linger = host.lingerUntilNs;

        term.onStatus(11, Status.newBuilder().setSessionId(99).setBytesHeld(0).build(), nowNs);
        term.onStatus(12, Status.newBuilder().setSessionId(99).setBytesHeld(BLOCK).build(), nowNs);
        assertFalse(term.isDone(nowNs, linger), "two members still lack blocks");

        term.onStatus(11, Status.newBuilder().setSessionId(99).setBytesHeld(BLOCK).build(), nowNs + MS);
        assertEquals(nowNs + MS + LINGER_NS, host.lingerUntilNs, "a member's progress after the pass extends the linger");

        term.onStatus(11, Status.newBuilder().setSessionId(99).setComplete(true).build(), nowNs);
        term.onStatus(12, Status.newBuilder().setSessionId(99).setComplete(true).build(), nowNs);
        assertTrue(term.isDone(nowNs, host.lingerUntilNs), "every member it knows is complete");
        assertEquals(2, term.membersComplete());

        term.onStatus(13, Status.newBuilder().setSessionId(42).setComplete(true).build(), nowNs);
        assertEquals(2, term.membersKnown(), "a report of another session counts for nothing");
    }

    /**
     * Members of a delta session finish within milliseconds of each other, often just after a
     * beacon: the beacon that says every member is done still goes out (after the 50 ms gap between
     * unsolicited beacons), and the term's duties end only after it, or members would wait out
     * their linger for a word that never came.
     */
    @Test
    void theWordThatEveryMemberIsDoneGoesOutBeforeTheDutiesEnd() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, START_DELAY_NS + 1_000 * MS);
        term.onStatus(11, Status.newBuilder().setSessionId(99).setBytesHeld(0).build(), nowNs);
        term.onStatus(12, Status.newBuilder().setSessionId(99).setBytesHeld(0).build(), nowNs);
        term.sendBeacon(nowNs); // a regular beacon, just before the members finish
        nowNs += 5 * MS;
        term.onStatus(11, Status.newBuilder().setSessionId(99).setComplete(true).build(), nowNs);
        term.onStatus(12, Status.newBuilder().setSessionId(99).setComplete(true).build(), nowNs);
        assertFalse(term.isDone(nowNs, host.lingerUntilNs), "no beacon has said that every member is done");
        advance(term, 60 * MS);
        Control last = host.sent.stream().filter(Control::hasBeacon).reduce((a, b) -> b).orElseThrow();
        assertEquals(2, last.getBeacon().getMembersComplete(), "the beacon says so, within the gap");
        assertTrue(term.isDone(nowNs, host.lingerUntilNs));
    }

    /**
     * A member joining during the linger after the pass (a deployment's next wave, a holder's own
     * session still lingering) needs the representative for its repairs: its first report, and any
     * NAK after the pass, keep the term on for a linger from then. Before, the term left at the end
     * of its linger and the newcomer, its repair source gone, fetched the package from the origin.
     */
    @Test
    void aMemberJoiningAfterThePassKeepsTheTermForItsRepairs() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, START_DELAY_NS + 1_000 * MS);
        long linger = host.lingerUntilNs;
        nowNs = linger - 100 * MS;
        term.onStatus(21, Status.newBuilder().setSessionId(99).setBytesHeld(0).build(), nowNs);
        assertEquals(nowNs + LINGER_NS, host.lingerUntilNs, "a newcomer's first report");
        assertFalse(term.isDone(linger, host.lingerUntilNs));

        nowNs += LINGER_NS - 100 * MS;
        term.onNak(21, Nak.newBuilder().setSessionId(99).addRanges(ChunkRange.newBuilder().setBlock(0)
                .setLength(BLOCK)).build(), 1, nowNs);
        assertEquals(nowNs + LINGER_NS, host.lingerUntilNs, "its NAK after the pass");

        term.onStatus(22, Status.newBuilder().setSessionId(99).setComplete(true).build(), nowNs + MS);
        assertEquals(nowNs + LINGER_NS, host.lingerUntilNs, "a member arriving complete needs nothing");
    }

    /**
     * Members hold a block back from their peer repair while a round may bring it: every round is
     * judged a NAK interval after its first NAK, the second of a term too (it used to be left
     * unjudged, and its members waited out their repair delay for nothing).
     */
    @Test
    void everyRoundIsJudgedANakIntervalAfterItsFirstNak() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, START_DELAY_NS + 1_000 * MS);
        assertEquals(BLOCKS, host.chunks);
        host.directory = new PeerDirectory(BLOCKS, 16);
        host.directory.update(21, null, false, 0, new byte[] {0b1011}, nowNs); // lacks block 2

        for (int round = 1; round <= 2; round++) {
            term.onNak(21, Nak.newBuilder().setSessionId(99).setRound(true).addRanges(ChunkRange.newBuilder()
                    .setBlock(2).setLength(BLOCK)).build(), 1, nowNs);
            advance(term, 99 * MS);
            assertEquals(BLOCKS + round - 1, host.chunks, "round " + round + " is still collected");
            advance(term, 2 * MS);
            assertEquals(BLOCKS + round, host.chunks, "round " + round + " multicast block 2 again");
            advance(term, 500 * MS);
        }
    }

    @Test
    void theLingerAloneEndsTheDutiesOfATermNobodyReportedTo() {
        Representative term = term();
        term.startFetchOrPublish(BLOCK, nowNs);
        advance(term, START_DELAY_NS + 1_000 * MS);
        assertFalse(term.isDone(nowNs, host.lingerUntilNs));
        assertTrue(term.isDone(host.lingerUntilNs, host.lingerUntilNs));
    }

    /** Records what the term asks of its agent. */
    private final class Host implements RepresentativeHost {
        @Override
        public boolean originServesRanges() {
            return true;
        }

        final List<Control> sent = new ArrayList<>();
        final List<Phase> phases = new ArrayList<>();
        int chunks;
        int publishRequests;
        boolean published;
        long lingerUntilNs;
        PeerDirectory directory;

        @Override
        public BlockFile store() {
            return store;
        }

        @Override
        public ChunkTracker tracker() {
            return null;
        }

        @Override
        public PeerDirectory peers() {
            return directory;
        }

        @Override
        public boolean published() {
            return published;
        }

        @Override
        public String blockServerUrl() {
            return "";
        }

        @Override
        public void sendControl(Control message) {
            assertEquals(3, message.getEpoch(), "stamped with the term's epoch");
            sent.add(message);
        }

        @Override
        public boolean sendChunk(BlockFile chunkStore, long sessionId, int epoch, int block, int offsetInBlock, int length,
                                 int sequence, int flags) {
            assertEquals(99, sessionId);
            assertEquals(3, epoch);
            assertTrue(chunkStore.hasBlock(block), "only held blocks are sent");
            chunks++;
            return true;
        }

        @Override
        public void fetchMissing(IntPredicate wanted) {
            throw new AssertionError("the store is complete");
        }

        @Override
        public void requestPublish() {
            publishRequests++;
        }

        @Override
        public void lingerFrom(long atNs) {
            lingerUntilNs = atNs + LINGER_NS;
        }

        @Override
        public void extendLinger(long atNs) {
            lingerUntilNs = Math.max(lingerUntilNs, atNs + LINGER_NS);
        }

        @Override
        public void phaseChanged(Phase next, long atNs, String reason) {
            phases.add(next);
        }
    }
}
