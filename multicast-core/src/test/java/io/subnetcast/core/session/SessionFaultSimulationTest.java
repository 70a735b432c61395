package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Duplication, reordering, delay, partitions and crashes on the simulated LAN. */
class SessionFaultSimulationTest {
    private static final long SECOND = 1_000_000_000L;

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
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        TaskSpec task = SessionSimulationTest.task("t", origin);
        nodes.forEach(n -> n.distribute(task, config));
        return nodes;
    }

    private static long representatives(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.isUp() && n.agent("t").role() == Role.REPRESENTATIVE).count();
    }

    @Test
    void duplicatedReorderedDelayedDatagramsStillDeliverByteForByte() throws Exception {
        SimOrigin origin = new SimOrigin(1024 * 1024 + 99, 3, 20_000_000);
        lan = new SimulatedLan(5, dir, origin);
        lan.faults().duplication = 0.2;
        lan.faults().delayNs = 2_000_000;
        lan.faults().jitterNs = 5_000_000; // several milliseconds of reordering
        List<SimNode> nodes = start(origin, 6, SessionSimulationTest.config().build());
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE),
                60 * SECOND), SessionSimulationTest.states(nodes, "t"));
        assertEquals(1, representatives(nodes));
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("t").published())));
        }
    }

    @Test
    void aPartitionThatHealsEndsWithOneRepresentativeAndMembersKeepTheirBlocks() {
        SimOrigin origin = new SimOrigin(2 * 1024 * 1024, 4, 20_000_000);
        lan = new SimulatedLan(8, dir, origin);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(4_000_000L).build();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        Set<SimNode> sideA = Set.copyOf(nodes.subList(0, 3));
        lan.setReachability(pair -> sideA.contains(pair[0]) == sideA.contains(pair[1]));
        TaskSpec task = SessionSimulationTest.task("t", origin);
        nodes.forEach(n -> n.distribute(task, config));
        // Each side elects its own representative and starts multicasting.
        assertTrue(lan.runUntil(() -> representatives(nodes) == 2
                && nodes.stream().allMatch(n -> n.agent("t").store() != null && n.agent("t").store().presentBlocks() > 10),
                30 * SECOND), SessionSimulationTest.states(nodes, "t"));
        long[] heldBefore = nodes.stream().mapToLong(n -> n.agent("t").store().presentBlocks()).toArray();
        long healedAt = lan.nowNs();
        lan.setReachability(pair -> true);
        // Bound: neither side heard the other's claim, so the loser hands over once the winner's
        // beacons persisted for the representative timeout (2 s, RivalEvidence), plus one beacon
        // interval to hear the first of them: 2.5 s, 3 s with margin. A forged burst of beacons
        // would have to persist as long.
        assertTrue(lan.runUntil(() -> representatives(nodes) == 1, 3 * SECOND), SessionSimulationTest.states(nodes, "t"));
        assertTrue(lan.nowNs() - healedAt >= 2 * SECOND, "handed over before the rival's beacons persisted");
        System.out.printf("partition healed: one representative after %.3f s virtual%n", (lan.nowNs() - healedAt) / 1e9);
        SimNode winner = nodes.stream().filter(n -> n.agent("t").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("t").sessionId() == winner.agent("t").sessionId()),
                2 * SECOND));
        for (int i = 0; i < nodes.size(); i++) {
            assertTrue(nodes.get(i).agent("t").store().presentBlocks() >= heldBefore[i], "node " + i + " lost blocks");
        }
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE),
                60 * SECOND), SessionSimulationTest.states(nodes, "t"));
    }

    @Test
    void membersOfACrashedRepresentativeElectASuccessorThatCompletesFromItsOwnCache() {
        SimOrigin origin = new SimOrigin(2 * 1024 * 1024, 6, 20_000_000);
        lan = new SimulatedLan(10, dir, origin);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(8_000_000L).build();
        List<SimNode> nodes = start(origin, 5, config);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("t").role() == Role.REPRESENTATIVE
                && n.port("t").firstChunkSentNs().size() > 60), 30 * SECOND));
        SimNode first = nodes.stream().filter(n -> n.agent("t").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        first.crash();
        long crashedAt = lan.nowNs();
        List<SimNode> survivors = nodes.stream().filter(SimNode::isUp).toList();
        assertTrue(lan.runUntil(() -> representatives(survivors) == 1 && survivors.stream()
                .allMatch(n -> n.agent("t").epoch() == 2), 10 * SECOND), SessionSimulationTest.states(survivors, "t"));
        System.out.printf("representative crashed: successor of epoch 2 after %.3f s virtual%n",
                (lan.nowNs() - crashedAt) / 1e9);
        long originBefore = origin.bytesServed();
        assertTrue(lan.runUntil(() -> survivors.stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE),
                60 * SECOND), SessionSimulationTest.states(survivors, "t"));
        // The successor fetched only what it lacked, not the whole package again.
        assertTrue(origin.bytesServed() - originBefore < origin.length(),
                "successor fetched " + (origin.bytesServed() - originBefore) + " bytes");
    }
}
