package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.congestion.HostDrops;
import io.subnetcast.core.congestion.LossMeter;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.IdleGapRepair;
import io.subnetcast.core.repair.RepairPlanner;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.SessionPhase;
import io.subnetcast.core.wire.proto.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * Unit tests of {@link Member}, this agent's duties as a member, on a recording host and a virtual
 * clock: the phases it moves the agent through, what it writes, what it reports, and when it gives
 * up on the representative or on the data group. The session tests drive it through the agent.
 */
class MemberTest {
    private static final long MS = 1_000_000L;
    private static final int BLOCK = 1024;
    private static final int CHUNK = 512;
    private static final long SESSION = 77;
    private static final int EPOCH = 4;

    @TempDir
    Path dir;

    private final SessionConfig config = SessionConfig.builder().mtu(576).blockSize(BLOCK).startDelay(Duration.ZERO)
            .linger(Duration.ofSeconds(30)).build();
    private final Host host = new Host();
    private Member member;
    private long nowNs = 1_000 * MS;

    @BeforeEach
    void open() throws IOException {
        host.store = BlockCache.open(dir).open("t", 2L * BLOCK, BLOCK, "id");
        host.tracker = new ChunkTracker(host.store.layout(), CHUNK);
        RepairPlanner planner = new RepairPlanner("t", null, null, () -> null, nak -> host.naks++,
                new SplittableRandom(1), config.nakInterval(), config.repairDelay());
        member = new Member("t", config, host, planner, new java.util.SplittableRandom(1));
    }

    @AfterEach
    void close() throws IOException {
        host.store.close();
    }

    private static Beacon beacon(SessionPhase phase) {
        return Beacon.newBuilder().setSessionId(SESSION).setPhase(phase).setPackageLength(2L * BLOCK).setBlockSize(BLOCK)
                .setChunkSize(CHUNK).setMembersKnown(3).setMembersComplete(1).setStartDelayRemainingMs(1500).build();
    }

    private void follow(SessionPhase phase, boolean newSession) {
        Beacon beacon = beacon(phase);
        member.onBeaconHeard(beacon, newSession, nowNs);
        member.onBeaconFollowed(beacon, newSession, nowNs);
    }

    private void data(int block, int offset, int epoch) {
        byte[] datagram = AgentHarness.dataDatagram(0, CHUNK, SESSION, epoch, block, offset, new byte[CHUNK]);
        ByteBuf buffer = Unpooled.wrappedBuffer(datagram);
        try {
            member.onData(new DataFrame().wrap(buffer), nowNs);
        } finally {
            buffer.release();
        }
    }

    /**
     * One loss window: 50 datagrams 2 ms apart from sequence {@code first}, {@code lost} of them
     * missing; the last closes the window (the meter's is 100 ms) that the one before them opened.
     */
    private int lossWindow(int first, int lost) {
        int sequence = first;
        for (int i = 0; i < 50; i++, sequence++) {
            nowNs += 2 * MS;
            if (i % 5 == 1 && i / 5 < lost) {
                continue; // lost on the way
            }
            sendData(sequence);
        }
        return sequence;
    }

    private void sendData(int sequence) {
        ByteBuf buffer = Unpooled.buffer(DataHeader.LENGTH + CHUNK);
        try {
            DataHeader.write(buffer, 0, CHUNK, SESSION, EPOCH, 0, 0, sequence);
            buffer.writeZero(CHUNK);
            member.onData(new DataFrame().wrap(buffer), nowNs);
        } finally {
            buffer.release();
        }
    }

    private int lastReportedLossPercent() {
        Status.Builder last = host.statuses.get(host.statuses.size() - 1);
        assertTrue(last.getReceiveRateKbps() > 0, "a loss report");
        return Math.round(last.getLossFraction() * 100f / 65_536);
    }

    @Test
    void aMemberOfASmallSessionReportsAtOnceWhenItJoins() {
        host.agentsHeard = 3;
        follow(SessionPhase.PHASE_WAITING, true);
        assertEquals(1, host.statuses.size());
    }

    /**
     * A thousand members that follow the same first beacon (which counts no members yet) report at
     * random points of one stretched interval, not in its millisecond; the report after that
     * follows by exactly one interval, so that the crowd's second reports keep the spread.
     */
    @Test
    void aMemberOfACrowdSpreadsItsFirstReportOverOneInterval() {
        host.agentsHeard = 1000;
        long interval = config.reportSchedule().statusIntervalNs(1000); // 40 s at 25 statuses a second
        long joinedNs = nowNs;
        follow(SessionPhase.PHASE_WAITING, true);
        assertEquals(0, host.statuses.size(), "not at once");
        long firstNs = -1;
        for (long t = joinedNs; t < joinedNs + interval && firstNs < 0; t += 100 * MS) {
            member.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING), false, t); // the representative is alive
            member.onWork(t);
            if (!host.statuses.isEmpty()) {
                firstNs = t;
            }
        }
        assertTrue(firstNs > joinedNs, "reported within the interval");
        assertEquals(1, host.statuses.size());
        member.onWork(firstNs + interval - MS);
        assertEquals(1, host.statuses.size());
        member.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING), false, firstNs + interval);
        member.onWork(firstNs + interval);
        assertEquals(2, host.statuses.size(), "one interval later exactly");

        // Spread first reports land all over the interval (a seeded draw per member).
        java.util.BitSet tenths = new java.util.BitSet();
        for (int seed = 0; seed < 200; seed++) {
            Member other = new Member("t", config, host, new RepairPlanner("t", null, null, () -> null, nak -> { },
                    new SplittableRandom(1), config.nakInterval(), config.repairDelay()), new SplittableRandom(seed));
            other.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING), true, joinedNs);
            other.onBeaconFollowed(beacon(SessionPhase.PHASE_WAITING), true, joinedNs);
            long wake = other.nextStatusNs();
            assertTrue(wake >= joinedNs && wake < joinedNs + interval);
            tenths.set((int) ((wake - joinedNs) * 10 / interval));
        }
        assertEquals(10, tenths.cardinality(), "every tenth of the interval has first reports");
    }

    /**
     * A periodic status drawn while the session looked small is drawn again when a beacon says it
     * is large: a crowd of members that each drew a two-second interval would otherwise all report
     * again two seconds on (seen at 1,000 agents: 984 statuses in one second).
     */
    @Test
    void aLargerSessionPushesBackThePeriodicStatusDrawnForASmallOne() {
        follow(SessionPhase.PHASE_WAITING, true);
        assertEquals(1, host.statuses.size());
        long lastNs = nowNs;
        host.agentsHeard = 1000;
        member.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING).toBuilder().setMembersKnown(1000).build(), false,
                nowNs + 500 * MS);
        long interval = config.reportSchedule().statusIntervalNs(1000);
        member.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING).toBuilder().setMembersKnown(1000).build(), false,
                lastNs + config.statusInterval().toNanos());
        member.onWork(lastNs + config.statusInterval().toNanos());
        assertEquals(1, host.statuses.size(), "not at the small session's interval");
        long t = lastNs + config.statusInterval().toNanos();
        while (host.statuses.size() == 1 && t < lastNs + 2 * interval) {
            t += 100 * MS;
            member.onBeaconHeard(beacon(SessionPhase.PHASE_WAITING).toBuilder().setMembersKnown(1000).build(), false, t);
            member.onWork(t);
        }
        assertTrue(t - lastNs >= interval / 2 && t - lastNs < interval * 3 / 2 + 100 * MS,
                "the next status " + (t - lastNs) / MS + " ms after the last, drawn from the large session's interval");
    }

    @Test
    void datagramsThisHostDroppedAtItsSocketAreNotReportedAsLoss() {
        follow(SessionPhase.PHASE_SENDING, true);
        sendData(0);
        int sequence = lossWindow(1, 5);
        assertEquals(10, lastReportedLossPercent(), "the platform does not tell: every gap is loss");

        host.receiveDrops = 3;
        sequence = lossWindow(sequence, 5);
        assertEquals(4, lastReportedLossPercent(), "the first count is all the socket dropped since it opened");
        host.receiveDrops = 8;
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent(), "the host dropped all five: it was busy, the path was not");
        host.receiveDrops = 10;
        sequence = lossWindow(sequence, 5);
        assertEquals(6, lastReportedLossPercent(), "two of five dropped here, three on the way");
        host.receiveDrops = 20;
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent());
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent(), "drops counted before their gaps were seen count once, a window later");
        sequence = lossWindow(sequence, 5);
        assertEquals(10, lastReportedLossPercent(), "and no longer");
        host.receiveDrops = 2;
        sequence = lossWindow(sequence, 5);
        assertEquals(6, lastReportedLossPercent(), "a new socket counts from 0 again");
        host.receiveDrops = -1;
        lossWindow(sequence, 5);
        assertEquals(10, lastReportedLossPercent(), "no count, no discount");
    }

    /**
     * A pass that keeps pace with its representative's download pauses between blocks, and the
     * meter closes no window across a pause, so the verdict of the last window that closed (a lossy
     * one, at the pass's start, when the host was busiest) held the repair during the pass off for
     * the whole pass. A busy host's verdict holds only while recent, or while the socket keeps
     * dropping.
     */
    @Test
    void aBusyHostsLossyWindowHoldsTheRepairDuringThePassOnlyWhileRecentOrWhileTheSocketDrops() {
        RepairPlanner planner = repairingPlanner();
        startReceivingWithRepairBehindThePass(planner);
        host.receiveDrops = 5;
        lossWindow(1, 5); // 10% lost, all of it at this host's socket: a lossy window of a busy host
        assertEquals(0, lastReportedLossPercent(), "none of it on the way");
        Beacon passWentByBlock0 = beacon(SessionPhase.PHASE_SENDING).toBuilder().setNextBlock(2).build();

        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.IDLE, planner.mode(), "lossy lately: repair waits");

        nowNs += 300 * MS; // no window closed since: the pass paused between blocks
        host.receiveDrops = 9;
        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.IDLE, planner.mode(), "the socket dropped datagrams since: still busy");

        nowNs += 300 * MS;
        startReceivingWithRepairBehindThePass(planner);
        host.receiveDrops = 5;
        lossWindow(1, 5);
        nowNs += 300 * MS;
        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.GAP_REPAIR, planner.mode(), "an old verdict and no drops since: repair runs");
    }

    /**
     * Loss on the way is a congested path, which repair over TCP beside the pass would cross too:
     * it took what the pass left of the link, the pass's loss no longer fell when the rate did, and
     * the representative stopped listening to the member. Such loss holds the repair during the pass
     * off for ten report intervals after the last window that showed it, clean windows between
     * the lossy ones of the rate's saw-tooth included.
     */
    @Test
    void lossOnTheWayHoldsTheRepairDuringThePassForTenReportIntervals() {
        RepairPlanner planner = repairingPlanner();
        startReceivingWithRepairBehindThePass(planner);
        int sequence = lossWindow(1, 5); // 10% lost, none at this host's socket
        assertEquals(10, lastReportedLossPercent());
        long lossyAtNs = nowNs;
        Beacon passWentByBlock0 = beacon(SessionPhase.PHASE_SENDING).toBuilder().setNextBlock(2).build();

        sequence = lossWindow(sequence, 0);
        sequence = lossWindow(sequence, 0); // clean windows since
        nowNs = lossyAtNs + 500 * MS;
        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.IDLE, planner.mode(), "half a second after loss on the way: repair waits");

        nowNs = lossyAtNs + Member.PATH_LOSS_HOLD_INTERVALS * LossMeter.REPORT_INTERVAL_NS - MS;
        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.IDLE, planner.mode(), "still within the hold");

        nowNs = lossyAtNs + Member.PATH_LOSS_HOLD_INTERVALS * LossMeter.REPORT_INTERVAL_NS + MS;
        lossWindow(sequence, 0);
        member.onBeaconFollowed(passWentByBlock0, false, nowNs);
        assertEquals(RepairPlanner.Mode.GAP_REPAIR, planner.mode(), "past it, with clean windows since: repair runs");
    }

    private RepairPlanner repairingPlanner() {
        return new RepairPlanner("t", (context, transfer) -> new IdleGapRepair(), null, () -> null,
                nak -> { }, new SplittableRandom(1), config.nakInterval(), config.repairDelay());
    }

    /** A new member that repairs a block behind the pass, receiving it, the pass's first datagram in. */
    private void startReceivingWithRepairBehindThePass(RepairPlanner planner) {
        member = new Member("t", config.toBuilder().repairBehindPass(BLOCK).build(), host, planner, new SplittableRandom(1));
        host.state = AgentState.RECEIVING;
        follow(SessionPhase.PHASE_SENDING, true);
        host.receiveDrops = 0;
        sendData(0);
    }

    /**
     * A member starved for a while reads, when it runs again, everything its socket queued before
     * the drops: their gaps show windows after the kernel counted them (seen in the testbed: 12,460
     * drops counted, three clean windows, then 8,133 of 8,496 lost). They still count as this host's,
     * until a socket buffer's worth of datagrams has been read without them showing.
     */
    @Test
    void dropsCountedWindowsBeforeTheirGapsShowAreStillThisHosts() {
        follow(SessionPhase.PHASE_SENDING, true);
        sendData(0);
        host.receiveDrops = 0;
        int sequence = lossWindow(1, 0);
        host.receiveDrops = 15;
        sequence = lossWindow(sequence, 0);
        sequence = lossWindow(sequence, 0);
        sequence = lossWindow(sequence, 0);
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent(), "dropped here three windows before the gaps showed");
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent());
        sequence = lossWindow(sequence, 5);
        assertEquals(0, lastReportedLossPercent(), "all fifteen taken off, once");
        sequence = lossWindow(sequence, 5);
        assertEquals(10, lastReportedLossPercent(), "and no more");

        host.receiveDrops = 25;
        sequence = lossWindow(sequence, 0);
        for (long read = 0; read < HostDrops.CARRY_DATAGRAMS; read += 50) {
            sequence = lossWindow(sequence, 0);
        }
        lossWindow(sequence, 5);
        assertEquals(10, lastReportedLossPercent(), "drops no gap matched within a socket buffer's worth are forgotten");
    }

    @Test
    void followsTheSessionsPhasesAndWritesWhatItHears() {
        follow(SessionPhase.PHASE_WAITING, true);
        assertEquals(AgentState.WAITING, host.state);
        assertTrue(host.joined, "joined the data group");
        assertEquals(1, host.statuses.size(), "a new session hears of this member at once");
        assertEquals(3, member.membersKnown());
        assertEquals(1500, member.startDelayRemainingMs());

        data(0, 0, EPOCH);
        assertEquals(AgentState.RECEIVING, host.state, "data moves a waiting member on");
        data(0, CHUNK, EPOCH);
        data(0, CHUNK, EPOCH); // a duplicate
        assertTrue(host.store.hasBlock(0));
        assertEquals(2L * CHUNK, member.bytesFromMulticast(), "the duplicate is not counted");

        data(1, 0, EPOCH);
        data(1, CHUNK, EPOCH);
        assertTrue(host.store.isComplete());
        assertEquals(1, host.publishRequests);
    }

    @Test
    void theEndOfThePassSendsTheMemberToRepairWithAFreshAdvertisement() {
        follow(SessionPhase.PHASE_SENDING, true);
        assertEquals(AgentState.RECEIVING, host.state);
        data(0, 0, EPOCH);
        nowNs += 10 * MS;
        member.onEnd(End.newBuilder().setSessionId(SESSION).build(), nowNs);
        assertEquals(AgentState.REPAIRING, host.state);
        assertTrue(member.sessionEnded());
        assertEquals(1, host.haves, "what it holds is advertised before the NAK round is judged");
    }

    @Test
    void anEndWithAFailureFailsTheTask() {
        follow(SessionPhase.PHASE_SENDING, true);
        member.onEnd(End.newBuilder().setSessionId(SESSION).setFailure("bad\ncopy").build(), nowNs);
        assertNotNull(host.failure);
        assertFalse(host.failure.contains("\n"), "the representative's words are made safe for the log");
    }

    @Test
    void aSilentRepresentativeHandsTheAgentBackToTheElection() {
        follow(SessionPhase.PHASE_WAITING, true);
        nowNs += config.representativeTimeout().toNanos() - 1;
        member.onWork(nowNs);
        assertFalse(host.representativeLost);
        data(0, 0, EPOCH); // its data shows it is alive
        nowNs += config.representativeTimeout().toNanos() - 1;
        member.onWork(nowNs);
        assertFalse(host.representativeLost, "data of its epoch counts as hearing it");
        nowNs += 2;
        member.onWork(nowNs);
        assertTrue(host.representativeLost);
    }

    @Test
    void aDataGroupThatDeliversNothingWhileThePassMovesOnFallsBackToTheOrigin() {
        follow(SessionPhase.PHASE_SENDING, true);
        // Beacons keep coming and report the pass moving on; no datagram arrives.
        for (int i = 1; i <= 10; i++) {
            nowNs += 500 * MS;
            Beacon moving = beacon(SessionPhase.PHASE_SENDING).toBuilder().setNextBlock(i).build();
            member.onBeaconHeard(moving, false, nowNs);
            member.onBeaconFollowed(moving, false, nowNs);
            member.onWork(nowNs);
        }
        assertNotNull(member.fallback(), "no data for longer than the silence limit");
        assertEquals("fell back to the origin: " + member.fallback(), host.recovery,
                "without gap repair the origin is the only unicast source");
    }

    @Test
    void aStatusReportsTheCopyAndNothingWithoutASession() {
        host.sessionId = 0;
        member.sendStatus(nowNs);
        assertTrue(host.statuses.isEmpty(), "no session, no report");
        host.sessionId = SESSION;
        host.published = true;
        member.sendStatus(nowNs);
        Status status = host.statuses.get(0).build();
        assertEquals(SESSION, status.getSessionId());
        assertTrue(status.getComplete());
    }

    @Test
    void aLocalPauseLeavesTheDataGroupAndKeepsTheRepairForLater() {
        follow(SessionPhase.PHASE_SENDING, true);
        member.pause();
        assertFalse(host.joined);
        host.state = AgentState.PAUSED;
        host.locallyPaused = true;
        member.onEnd(End.newBuilder().setSessionId(SESSION).build(), nowNs);
        assertEquals(AgentState.REPAIRING, host.resumeInto, "resumes into repair");
        assertEquals(AgentState.PAUSED, host.state, "but stays paused");
        member.rejoin();
        assertTrue(host.joined);
        assertNull(host.failure);
    }

    /** Records what the member asks of its agent; its session is {@link #SESSION}. */
    private static final class Host implements MemberHost {
        BlockFile store;
        ChunkTracker tracker;
        AgentState state = AgentState.WAITING;
        AgentState resumeInto;
        boolean locallyPaused;
        boolean published;
        boolean joined;
        long sessionId = SESSION;
        final List<Status.Builder> statuses = new ArrayList<>();
        int haves;
        int agentsHeard;
        int naks;
        int publishRequests;
        String failure;
        String recovery;
        boolean representativeLost;
        long receiveDrops = -1;

        @Override
        public AgentState state() {
            return state;
        }

        @Override
        public void transition(AgentState next, long nowNs, String reason) {
            state = next;
        }

        @Override
        public boolean locallyPaused() {
            return locallyPaused;
        }

        @Override
        public void resumeInto(AgentState back) {
            resumeInto = back;
        }

        @Override
        public boolean published() {
            return published;
        }

        @Override
        public boolean basisInProgress() {
            return false;
        }

        @Override
        public BlockFile store() {
            return store;
        }

        @Override
        public ChunkTracker tracker() {
            return tracker;
        }

        @Override
        public long sessionId() {
            return sessionId;
        }

        @Override
        public int epoch() {
            return EPOCH;
        }

        @Override
        public long leaderNodeId() {
            return 2;
        }

        @Override
        public InetSocketAddress dataGroup() {
            return new InetSocketAddress("239.255.77.1", 41235);
        }

        @Override
        public boolean recoveringFromOrigin() {
            return recovery != null;
        }

        @Override
        public void joinDataGroup() {
            joined = true;
        }

        @Override
        public void leaveDataGroup() {
            joined = false;
        }

        @Override
        public long receiveDrops() {
            return receiveDrops;
        }

        @Override
        public void sendStatus(Status.Builder status) {
            statuses.add(status);
        }

        @Override
        public void advertSoon(long nowNs) {
            haves++;
        }

        @Override
        public int agentsHeard(long nowNs) {
            return agentsHeard;
        }

        @Override
        public void requestPublish() {
            publishRequests++;
        }

        @Override
        public void fail(long nowNs, String reason) {
            failure = reason;
            state = AgentState.FAILED;
        }

        @Override
        public void recoverFromOrigin(long nowNs, String reason) {
            recovery = reason;
            state = AgentState.REPAIRING;
        }

        @Override
        public void representativeLost(long nowNs) {
            representativeLost = true;
        }

        @Override
        public void sessionLostWhilePaused(long nowNs) {
        }
    }
}
