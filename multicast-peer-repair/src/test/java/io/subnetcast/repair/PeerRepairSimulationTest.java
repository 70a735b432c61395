package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.GapRepairFactory;
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
        SimPeerTransfer transfer = new SimPeerTransfer(network, 50_000_000, 1_000_000);
        SplittableRandom seeds = new SplittableRandom(99);
        return context -> {
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
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            node.distribute(task, config());
            nodes.add(node);
        }
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
        GapRepairFactory repair = repair(lan);
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            node.distribute(task, config());
            nodes.add(node);
        }
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

    private static String states(List<SimNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes) {
            SessionProgress p = node.agent("pkg").progress(0);
            out.append(node.name()).append('=').append(p.state()).append('/').append(p.bytesHeld()).append(' ');
        }
        return out.toString();
    }
}
