package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frozen representatives, disagreeing clocks, heavy and bursty loss, on the simulated LAN. */
class FaultSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long HOUR = 3600 * SECOND;
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private List<SimNode> start(SimOrigin origin, int count, SessionConfig config) {
        GapRepairFactory repair = SimPeerTransfer.repair(new SimPeerTransfer(lan, 50_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 3);
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            nodes.add(node);
        }
        nodes.forEach(n -> n.distribute(task, config));
        return nodes;
    }

    private static SessionConfig.Builder config() {
        return SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(16_000_000L).linger(Duration.ofSeconds(60));
    }

    private static boolean allComplete(List<SimNode> nodes) {
        return nodes.stream().filter(SimNode::isUp).allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE);
    }

    private static void assertVerified(SimOrigin origin, List<SimNode> nodes) throws Exception {
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())),
                    node.name());
        }
    }

    private static long representatives(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.isUp() && n.agent("pkg").role() == Role.REPRESENTATIVE).count();
    }

    @Test
    void aFrozenRepresentativeThatWakesAfterASuccessorStepsDownAndItsPacketsAreIgnored() throws Exception {
        SimOrigin origin = new SimOrigin(2L * 1024 * 1024, 5, 50_000_000);
        lan = new SimulatedLan(71, dir, origin);
        List<SimNode> nodes = start(origin, 5, config().build());
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE
                && n.port("pkg").firstChunkSentNs().size() > 40), 30 * SECOND));
        SimNode frozen = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        frozen.suspend(); // a long GC pause or a suspended VM: no goodbye, no state change
        List<SimNode> others = nodes.stream().filter(n -> n != frozen).toList();
        assertTrue(lan.runUntil(() -> representatives(others) == 1
                && others.stream().allMatch(n -> n.agent("pkg").epoch() == 2), 5 * SECOND));
        SimNode successor = others.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        long oldSession = frozen.agent("pkg").sessionId();
        frozen.wake();
        // It still believes it leads epoch 1: its beacons and data go out until it hands over. It
        // heard no claim of the successor (it was frozen), so it hands over once the successor's
        // beacons persisted for the representative timeout (RivalEvidence): 2 s plus a beacon
        // interval, 3 s with margin.
        long wokeAt = lan.nowNs();
        assertTrue(lan.runUntil(() -> frozen.agent("pkg").role() == Role.MEMBER, 3 * SECOND));
        assertTrue(lan.nowNs() - wokeAt >= 2 * SECOND, "handed over before the successor's beacons persisted");
        assertEquals(1, representatives(nodes));
        assertEquals(successor.agent("pkg").sessionId(), frozen.agent("pkg").sessionId());
        for (SimNode member : others) {
            assertEquals(successor.nodeId(), member.agent("pkg").leaderNodeId(), "its epoch-1 beacons moved nobody");
        }
        // Its data goes to its old session's group, which members left; should a datagram of it
        // reach a member anyway, the member drops it by session and epoch.
        SimNode member = others.stream().filter(n -> n != successor).findFirst().orElseThrow();
        long staleBefore = member.agent("pkg").staleDatagrams();
        io.netty.buffer.ByteBuf stale = io.netty.buffer.Unpooled.buffer();
        io.subnetcast.core.wire.DataHeader.write(stale, 0, 1440, oldSession, 1, 0, 0, 7);
        stale.writeZero(1440);
        try {
            member.agent("pkg").onData(new io.subnetcast.core.wire.DataFrame().wrap(stale), lan.nowNs());
        } finally {
            stale.release();
        }
        assertEquals(staleBefore + 1, member.agent("pkg").staleDatagrams());
        assertTrue(lan.runUntil(() -> allComplete(nodes), 60 * SECOND));
        assertVerified(origin, nodes);
    }

    @Test
    void clocksThatDisagreeByHoursChangeNothing() throws Exception {
        SimOrigin origin = new SimOrigin(2L * 1024 * 1024, 6, 20_000_000);
        lan = new SimulatedLan(72, dir, origin);
        lan.faults().dataLoss = 0.05;
        long[] offsets = {0, HOUR, -HOUR, 240 * HOUR, -7 * HOUR, 3 * HOUR};
        GapRepairFactory repair = SimPeerTransfer.repair(new SimPeerTransfer(lan, 50_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 4);
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setClockOffset(offsets[i]);
            node.setRepairFactory(repair);
            nodes.add(node);
        }
        nodes.forEach(n -> n.distribute(task, config().build()));
        assertTrue(lan.runUntil(() -> allComplete(nodes), 60 * SECOND));
        assertEquals(1, representatives(nodes));
        assertEquals(origin.length(), origin.bytesServed());
        assertVerified(origin, nodes);
    }

    @Test
    void twentyAgentsAtThirtyPercentLossAllCompleteWithRepairWithinOneAndAHalfTimesTheLoss() throws Exception {
        SimOrigin origin = new SimOrigin(2L * 1024 * 1024, 7, 50_000_000);
        lan = new SimulatedLan(73, dir, origin);
        lan.faults().dataLoss = 0.30;
        lan.faults().controlLoss = 0.30;
        List<SimNode> nodes = start(origin, 20, config().build());
        assertTrue(lan.runUntil(() -> allComplete(nodes), 120 * SECOND));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        long lacked = 0;
        long served = leader.port("pkg").retransmittedBytes();
        for (SimNode node : nodes) {
            SessionProgress progress = node.agent("pkg").progress(lan.nowNs());
            if (node != leader) {
                lacked += origin.length() - progress.bytesFromMulticast();
            }
            served += node.repairBytesServed();
        }
        served += origin.bytesServed() - origin.length();
        System.out.printf("20 agents, 30%% loss: lacked %d bytes, repair %d bytes = %.3f x%n", lacked, served,
                (double) served / lacked);
        assertTrue(served <= 1.5 * lacked, "repair " + served + " for " + lacked + " lacked");
        assertVerified(origin, nodes);
    }

    @Test
    void aBurstGapCostsOneRetransmissionPerMissingBlock() throws Exception {
        SimOrigin origin = new SimOrigin(4L * 1024 * 1024, 8, 50_000_000);
        lan = new SimulatedLan(74, dir, origin);
        List<SimNode> nodes = start(origin, 20, config().build());
        int blocks = (int) (origin.length() / BLOCK);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE
                && n.port("pkg").firstChunkSentNs().size() >= blocks / 3), 30 * SECOND));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        // 100 ms in which nothing arrives anywhere: about 12 blocks at 16 Mbit/s.
        long burstStart = lan.nowNs();
        lan.faults().dataBlackoutUntilNs = burstStart + 100_000_000L;
        assertTrue(lan.runUntil(() -> allComplete(nodes), 60 * SECOND));
        Map<Integer, Integer> again = leader.port("pkg").retransmittedChunks();
        List<Integer> gap = new ArrayList<>();
        for (int block = 0; block < blocks; block++) {
            Long first = leader.port("pkg").firstChunkSentNs().get(block);
            Long last = leader.port("pkg").lastChunkSentNs().get(block);
            if (first != null && first >= burstStart && last < burstStart + 100_000_000L) {
                gap.add(block);
            }
        }
        assertTrue(gap.size() >= 5, "the burst swallowed " + gap.size() + " whole blocks");
        int chunksPerBlock = (BLOCK + 1439) / 1440;
        for (int block : gap) {
            assertEquals(chunksPerBlock, again.getOrDefault(block, 0), "block " + block + " was multicast again once");
        }
        long peerBytes = nodes.stream().mapToLong(SimNode::repairBytesServed).sum();
        System.out.printf("burst of 100 ms: %d blocks lost by all 19 members, each multicast again once; peers served"
                + " %d bytes for the blocks at its edges%n", gap.size(), peerBytes);
        assertNotEquals(0, gap.size());
        assertVerified(origin, nodes);
    }
}
