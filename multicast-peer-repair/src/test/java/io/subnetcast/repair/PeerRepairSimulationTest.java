package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peer repair on the simulated LAN, running the real session and repair code. */
class PeerRepairSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    // 16 KiB blocks: at 5% packet loss a 12-chunk block arrives whole about half the time, so
    // members hold whole blocks to serve each other (with 1 MiB blocks only the representative would).
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    private SimulatedLan lan;
    private final List<PeerRepairer> repairers = new ArrayList<>();

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private GapRepairFactory repair(SimulatedLan network) {
        network.setPeerTransfer(new SimPeerTransfer(network, 50_000_000, 1_000_000));
        SplittableRandom seeds = new SplittableRandom(99);
        return (context, transfer) -> {
            PeerRepairer repairer = new PeerRepairer(context, transfer, PeerRepairConfig.defaults(), seeds.split());
            repairers.add(repairer);
            return repairer;
        };
    }

    private static SessionConfig config() {
        return SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(2))
                .rateBitsPerSecond(40_000_000L).linger(Duration.ofSeconds(60)).build();
    }

    @Test
    void thirtyAgentsWithFivePercentLossAndThreeLateJoinersAllCompleteFromTheirPeers() throws Exception {
        SimOrigin origin = new SimOrigin(8L * 1024 * 1024, 21, 20_000_000);
        lan = new SimulatedLan(2026, dir, origin);
        lan.faults().dataLoss = 0.05;
        lan.faults().controlLoss = 0.05;
        GapRepairFactory repair = repair(lan);
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0);
        List<SimNode> nodes = new ArrayList<>(SimAgents.start(lan, origin, 27, config(), repair));
        int blocks = (int) (origin.length() / BLOCK);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE), 10 * SECOND));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        for (double share : new double[] {0.25, 0.50, 0.75}) {
            int at = (int) (blocks * share);
            assertTrue(lan.runUntil(() -> leader.port("pkg").firstChunkSentNs().size() >= at, 60 * SECOND));
            SimNode late = lan.addNode("late" + (int) (share * 100), 0);
            late.setRepairFactory(repair);
            late.distribute(task, config());
            nodes.add(late);
        }
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                120 * SECOND), () -> states(nodes));

        long lacked = 0;
        long peerServed = 0;
        long maxServed = 0;
        String maxServer = "";
        long retransmitted = leader.port("pkg").retransmittedBytes();
        for (SimNode node : nodes) {
            Path published = node.port("pkg").published();
            assertNotNull(published, node.name());
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(published)), node.name());
            SessionProgress progress = node.agent("pkg").progress(lan.nowNs());
            if (node != leader) {
                lacked += origin.length() - progress.bytesFromMulticast();
            }
            long served = node.repairBytesServed() + (node == leader ? retransmitted : 0);
            peerServed += node.repairBytesServed();
            if (served > maxServed) {
                maxServed = served;
                maxServer = node.name() + (node == leader ? " (representative)" : "");
            }
        }
        long originRepair = origin.bytesServed() - origin.length();
        long repairBytes = retransmitted + peerServed + originRepair;
        System.out.printf("30 agents, 5%% loss, 3 late joiners: origin served %d bytes (package %d); lacked %d bytes;"
                + " repair %d bytes (multicast retransmission %d, peers %d, origin %d) = %.3f x lacked;"
                + " largest share %.1f%% by %s; all done after %.1f s virtual%n", origin.bytesServed(), origin.length(),
                lacked, repairBytes, retransmitted, peerServed, originRepair, (double) repairBytes / lacked,
                100.0 * maxServed / repairBytes, maxServer, (lan.nowNs() - 1_000_000_000L) / 1e9);
        assertEquals(1, origin.downloads(), "the package was fetched once");
        assertEquals(origin.length(), origin.bytesServed(), "every block was held by some agent: no origin repair");
        assertTrue(maxServed * 2 <= repairBytes, "one agent served " + maxServed + " of " + repairBytes + " repair bytes");
        assertTrue(repairBytes <= 1.2 * lacked, "repair " + repairBytes + " bytes for " + lacked + " lacked");
    }

    @Test
    void aPeerServingCorruptBlocksIsDroppedAndNobodyIsStopped() throws Exception {
        SimOrigin origin = new SimOrigin(2L * 1024 * 1024, 5, 20_000_000);
        lan = new SimulatedLan(77, dir, origin);
        lan.faults().dataLoss = 0.05;
        List<SimNode> nodes = SimAgents.start(lan, origin, 10, config(), repair(lan));
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).count() == 9,
                10 * SECOND));
        SimNode hostile = nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).findFirst().orElseThrow();
        hostile.setCorrupt(true);
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                120 * SECOND), () -> states(nodes));
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())));
        }
        assertTrue(hostile.repairBytesServed() > 0, "the hostile peer was asked at least once");
        long banned = repairers.stream().filter(r -> r.isBanned(hostile.nodeId())).count();
        assertTrue(banned > 0, "someone detected the hostile peer");
        System.out.printf("hostile peer served %d bytes before %d agents dropped it%n", hostile.repairBytesServed(), banned);
    }

    private List<SimNode> startNodes(SimOrigin origin, int count, SessionConfig settings) {
        return new ArrayList<>(SimAgents.start(lan, origin, count, settings, repair(lan)));
    }

    private static boolean allComplete(List<SimNode> nodes) {
        return nodes.stream().filter(SimNode::isUp).allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE);
    }

    @Test
    void aStallingPeerGetsStrikesAndIsDroppedWhileEveryoneCompletes() throws Exception {
        SimOrigin origin = new SimOrigin(1024 * 1024, 8, 20_000_000);
        lan = new SimulatedLan(31, dir, origin);
        lan.faults().dataLoss = 0.05;
        SessionConfig settings = config();
        List<SimNode> nodes = startNodes(origin, 8, settings);
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).count() == 7,
                10 * SECOND));
        SimNode slow = nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).findFirst().orElseThrow();
        slow.setStalling(true);
        assertTrue(lan.runUntil(() -> allComplete(nodes), 180 * SECOND), () -> states(nodes));
        long banned = repairers.stream().filter(r -> r.isBanned(slow.nodeId())).count();
        assertTrue(banned > 0, "the stalling peer was dropped by someone");
        assertEquals(0, slow.repairBytesServed());
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())));
        }
    }

    @Test
    void aSingleLateAgentCannotTriggerAMulticastRetransmission() throws Exception {
        SimOrigin origin = new SimOrigin(2L * 1024 * 1024, 12, 20_000_000);
        lan = new SimulatedLan(41, dir, origin);
        List<SimNode> nodes = startNodes(origin, 5, config());
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE), 10 * SECOND));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        int blocks = (int) (origin.length() / BLOCK);
        assertTrue(lan.runUntil(() -> leader.port("pkg").firstChunkSentNs().size() >= blocks * 3 / 4, 60 * SECOND));
        SimNode late = lan.addNode("late", 0);
        late.setRepairFactory(repair(lan));
        late.distribute(new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0), config());
        nodes.add(late);
        assertTrue(lan.runUntil(() -> allComplete(nodes), 120 * SECOND), () -> states(nodes));
        // It asked for three quarters of the package, but nobody else lacked it: peers served it.
        assertEquals(0, leader.port("pkg").retransmittedBytes(), "no multicast for one agent's gaps");
        assertTrue(late.agent("pkg").progress(lan.nowNs()).bytesFromRepair() >= origin.length() / 2);
        assertEquals(origin.length(), origin.bytesServed());
    }

    @Test
    void blocksNoSurvivingPeerHoldsComeFromTheOriginAndOnlyThose() throws Exception {
        SimOrigin origin = new SimOrigin(1024 * 1024, 14, 20_000_000);
        lan = new SimulatedLan(51, dir, origin);
        lan.faults().dataLoss = 0.10; // some blocks end up held by the representative alone
        SessionConfig settings = config().toBuilder().repairDelay(Duration.ofMillis(500)).nakThreshold(1_000).build();
        List<SimNode> nodes = startNodes(origin, 4, settings);
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).count() == 3,
                10 * SECOND));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        List<SimNode> members = nodes.stream().filter(n -> n != leader).toList();
        // The pass ends, then the representative dies; the members' repair starts at the pass's
        // end (at this threshold no round multicasts anything, so nothing waits for one), before
        // they would give up on the representative (2 s).
        assertTrue(lan.runUntil(() -> members.stream().allMatch(n -> n.agent("pkg").state() == AgentState.REPAIRING),
                60 * SECOND), () -> states(nodes));
        leader.crash();
        int blockCount = (int) (origin.length() / BLOCK);
        long heldByNoMember = 0;
        for (int block = 0; block < blockCount; block++) {
            int b = block;
            if (members.stream().noneMatch(n -> n.agent("pkg").store().hasBlock(b))) {
                heldByNoMember += BLOCK;
            }
        }
        assertTrue(heldByNoMember > 0 && heldByNoMember < origin.length(),
                "10% loss should leave some blocks that no member holds, and some that one does: " + heldByNoMember);
        assertTrue(lan.runUntil(() -> allComplete(members), 120 * SECOND), () -> states(members));
        long originRepair = origin.bytesServed() - origin.length();
        System.out.printf("representative gone: %d bytes of blocks no member held, origin served %d for repair%n",
                heldByNoMember, originRepair);
        assertTrue(originRepair > 0 && originRepair <= heldByNoMember,
                "origin repair " + originRepair + " for " + heldByNoMember + " bytes no member held");
        for (SimNode node : members) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())));
        }
    }

    private static String states(List<SimNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes) {
            SessionProgress p = node.agent("pkg").progress(0);
            out.append(node.name()).append('=').append(p.state()).append('/').append(p.bytesHeld()).append(' ');
        }
        return out.toString();
    }
}
