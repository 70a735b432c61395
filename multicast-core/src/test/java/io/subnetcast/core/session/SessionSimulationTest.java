package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session protocol on the simulated LAN: election, fetch once, start delay, multicast, late joiners. */
class SessionSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    static SessionConfig.Builder config() {
        return SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(5))
                .rateBitsPerSecond(50_000_000L).linger(Duration.ofSeconds(5));
    }

    static TaskSpec task(String id, SimOrigin origin) {
        return new TaskSpec(id, URI.create("http://origin.test/" + id), origin.sha256(), 0);
    }

    private SimulatedLan lan(long seed, SimOrigin origin) {
        lan = new SimulatedLan(seed, dir, origin);
        return lan;
    }

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private static long representatives(List<SimNode> nodes, String taskId) {
        return nodes.stream().filter(n -> n.isUp() && n.agent(taskId).role() == Role.REPRESENTATIVE).count();
    }

    private static boolean converged(List<SimNode> nodes, String taskId) {
        if (representatives(nodes, taskId) != 1) {
            return false;
        }
        SimNode leader = nodes.stream().filter(n -> n.agent(taskId).role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        long session = leader.agent(taskId).sessionId();
        return nodes.stream().allMatch(n -> n.agent(taskId).sessionId() == session
                && n.agent(taskId).leaderNodeId() == leader.nodeId());
    }

    @Test
    void fiftySimultaneousAgentsElectExactlyOneRepresentative() {
        SimOrigin origin = new SimOrigin(256 * 1024, 1, 10_000_000);
        lan(42, origin);
        TaskSpec task = task("t", origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        long start = lan.nowNs();
        nodes.forEach(n -> n.distribute(task, config().build()));
        assertTrue(lan.runUntil(() -> converged(nodes, "t"), 10 * SECOND), "no convergence");
        long convergedNs = lan.nowNs() - start;
        // Then it stays converged: nobody else takes the role later.
        lan.runFor(3 * SECOND);
        assertTrue(converged(nodes, "t"));
        assertEquals(1, origin.downloads(), "the origin is fetched once");
        System.out.printf("50 agents, no loss: one representative after %.3f s virtual%n", convergedNs / 1e9);
        assertTrue(convergedNs < 3 * SECOND, "converged in " + convergedNs + " ns");
    }

    @Test
    void electionConvergesUnderTenPercentControlLoss() {
        for (long seed = 1; seed <= 5; seed++) {
            SimOrigin origin = new SimOrigin(64 * 1024, seed, 10_000_000);
            SimulatedLan net = new SimulatedLan(seed, dir.resolve("s" + seed), origin);
            try {
                net.faults().controlLoss = 0.10;
                net.faults().jitterNs = 2_000_000;
                TaskSpec task = task("t", origin);
                List<SimNode> nodes = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    nodes.add(net.addNode("n" + i, 0));
                }
                nodes.forEach(n -> n.distribute(task, config().build()));
                // Bound: discovery (1.5 s) + claim window (0.4 s) + two beacon intervals to settle a
                // double claim, with margin for lost beacons: 5 s.
                assertTrue(net.runUntil(() -> converged(nodes, "t"), 5 * SECOND), "seed " + seed + " did not converge");
                System.out.printf("seed %d, 10%% control loss: converged after %.3f s virtual%n", seed,
                        (net.nowNs() - 1_000_000_000L) / 1e9);
                net.runFor(2 * SECOND);
                assertEquals(1, representatives(nodes, "t"), "seed " + seed);
            } finally {
                net.close();
            }
        }
    }

    @Test
    void deliversThePackageAfterTheStartDelayAndEveryCopyVerifies() throws IOException {
        SimOrigin origin = new SimOrigin(1024 * 1024 + 777, 7, 20_000_000);
        lan(7, origin);
        TaskSpec task = task("pkg", origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        nodes.forEach(n -> n.distribute(task, config().build()));
        long start = lan.nowNs();
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                60 * SECOND), states(nodes, "pkg"));
        SimNode leader = nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
        // No data before the start delay (5 s) passed.
        long firstData = leader.port("pkg").firstChunkSentNs().get(0);
        assertTrue(firstData - start >= 5 * SECOND, "data started after " + (firstData - start) + " ns");
        assertEquals(origin.length(), origin.bytesServed(), "fetched exactly once");
        for (SimNode node : nodes) {
            Path published = node.port("pkg").published();
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(published)), node.name());
        }
    }

    @Test
    void twoTasksOnOneSubnetGetIndependentSessions() {
        SimOrigin origin = new SimOrigin(128 * 1024, 3, 20_000_000);
        lan(3, origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        // Nodes 0..3 run task a; nodes 2..5 run task b; 2 and 3 run both.
        nodes.subList(0, 4).forEach(n -> n.distribute(task("a", origin), config().build()));
        nodes.subList(2, 6).forEach(n -> n.distribute(task("b", origin), config().build()));
        assertTrue(lan.runUntil(() -> converged(nodes.subList(0, 4), "a") && converged(nodes.subList(2, 6), "b"),
                10 * SECOND));
        long sessionA = nodes.get(0).agent("a").sessionId();
        long sessionB = nodes.get(5).agent("b").sessionId();
        assertNotEquals(sessionA, sessionB);
        assertNotEquals(nodes.get(0).agent("a").dataGroup(), nodes.get(5).agent("b").dataGroup());
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.tasks().stream()
                .allMatch(t -> n.agent(t).state() == AgentState.COMPLETE)), 60 * SECOND));
        // Agents without task a never received its data: node 5 has no agent for it and joined only b's group.
        assertEquals(null, nodes.get(5).agent("a"));
        assertEquals(2, origin.downloads(), "one download per task");
    }

    @Test
    void twoSubnetsGetOneRepresentativeEachAndFetchOncePerSubnet() {
        SimOrigin origin = new SimOrigin(256 * 1024, 5, 20_000_000);
        lan(5, origin);
        List<SimNode> subnetA = new ArrayList<>();
        List<SimNode> subnetB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subnetA.add(lan.addNode("a" + i, 1));
            subnetB.add(lan.addNode("b" + i, 2));
        }
        TaskSpec task = task("t", origin);
        subnetA.forEach(n -> n.distribute(task, config().build()));
        subnetB.forEach(n -> n.distribute(task, config().build()));
        assertTrue(lan.runUntil(() -> converged(subnetA, "t") && converged(subnetB, "t"), 10 * SECOND));
        assertTrue(lan.runUntil(() -> lan.nodes().stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE),
                60 * SECOND), states(lan.nodes(), "t"));
        assertEquals(1, representatives(subnetA, "t"));
        assertEquals(1, representatives(subnetB, "t"));
        assertEquals(2, origin.downloads());
        assertEquals(2 * origin.length(), origin.bytesServed(), "the origin served the package once per subnet");
    }

    @Test
    void lateJoinersHoldExactlyTheBlocksMulticastAfterTheyJoined() throws IOException {
        SimOrigin origin = new SimOrigin(2 * 1024 * 1024, 9, 100_000_000);
        lan(9, origin);
        TaskSpec task = task("late", origin);
        // Retransmission requests would fill the late joiners' gaps; push them past the test's horizon.
        SessionConfig settings = config().rateBitsPerSecond(8_000_000L).nakInterval(Duration.ofSeconds(120))
                .linger(Duration.ofSeconds(600)).build();
        List<SimNode> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(lan.addNode("e" + i, 0));
        }
        early.forEach(n -> n.distribute(task, settings));
        SimNode leader = awaitLeader(early, "late");
        SimNode.AgentPort leaderPort = leader.port("late");
        // Wait until the multicast runs (2 MiB at 8 Mbit/s takes about 2 s) and add two late joiners.
        assertTrue(lan.runUntil(() -> leaderPort.firstChunkSentNs().size() > 40, 30 * SECOND));
        SimNode late1 = lan.addNode("late1", 0);
        late1.distribute(task, settings);
        assertTrue(lan.runUntil(() -> leaderPort.firstChunkSentNs().size() > 90, 30 * SECOND));
        SimNode late2 = lan.addNode("late2", 0);
        late2.distribute(task, settings);
        // Run until the pass is over, before any retransmission.
        int blocks = (int) ((origin.length() + BLOCK - 1) / BLOCK);
        assertTrue(lan.runUntil(() -> leaderPort.lastChunkSentNs().size() == blocks
                && late2.agent("late").state() == AgentState.REPAIRING, 30 * SECOND));
        for (SimNode late : List.of(late1, late2)) {
            long joinedNs = late.port("late").joinedAtNs();
            assertTrue(joinedNs > 0);
            BlockFile store = late.agent("late").store();
            for (int block = 0; block < blocks; block++) {
                boolean sentAfterJoin = leaderPort.firstChunkSentNs().get(block) > joinedNs;
                boolean sentBeforeJoin = leaderPort.lastChunkSentNs().get(block) < joinedNs;
                if (sentAfterJoin) {
                    assertTrue(store.hasBlock(block), late.name() + " misses block " + block + " multicast after it joined");
                } else if (sentBeforeJoin) {
                    assertFalse(store.hasBlock(block), late.name() + " holds block " + block + " sent before it joined");
                }
            }
            assertTrue(store.presentBlocks() > 0 && !store.isComplete(), late.name() + " holds " + store.presentBlocks());
        }
        // Their joining did not restart the session for the others.
        assertEquals(1, origin.downloads());
        assertTrue(early.stream().allMatch(n -> n.agent("late").sessionId() == leader.agent("late").sessionId()));
    }

    private SimNode awaitLeader(List<SimNode> nodes, String taskId) {
        assertTrue(lan.runUntil(() -> converged(nodes, taskId), 10 * SECOND));
        return nodes.stream().filter(n -> n.agent(taskId).role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
    }

    static String states(List<SimNode> nodes, String taskId) {
        Map<String, String> byNode = nodes.stream().collect(Collectors.toMap(SimNode::name,
                n -> n.agent(taskId).state() + "/" + n.agent(taskId).role() + " " + n.agent(taskId).progress(0).bytesHeld()
                        + (n.agent(taskId).failure() == null ? "" : " " + n.agent(taskId).failure())));
        return byNode.toString();
    }
}
