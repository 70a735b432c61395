package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin serves a package that does not match the task's SHA-256 (a wrong task, or a changed
 * file): nobody places it, every agent fails with a reason that says so, and the members take
 * their representative's word for it instead of each fetching the whole package from the origin
 * again.
 */
class OriginMismatchSimulationTest {
    private static final long SECOND = 1_000_000_000L;
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

    @Test
    void aPackageThatDoesNotMatchIsPlacedNowhereAndFetchedOnce() {
        SimOrigin origin = new SimOrigin(1024 * 1024, 31, 50_000_000);
        lan = new SimulatedLan(31, dir, origin);
        byte[] wrong = origin.sha256().clone();
        wrong[0] ^= 1;
        GapRepairFactory repair = SimPeerTransfer.repair(new SimPeerTransfer(lan, 50_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 3);
        SessionConfig config = SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(16_000_000L).linger(Duration.ofSeconds(30)).build();
        List<SimNode> nodes = SimAgents.start(lan, wrong, 8, config, repair);
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.FAILED),
                120 * SECOND), "every agent gives up");
        for (SimNode node : nodes) {
            assertNull(node.port("pkg").published(), node.name() + " placed a wrong file");
            String failure = node.agent("pkg").failure();
            assertTrue(failure.contains("SHA-256"), node.name() + ": " + failure);
            // The download ended within the start delay: not one byte of the package was multicast.
            assertEquals(0, node.port("pkg").dataDatagramsSent(), node.name() + " multicast the package");
        }
        long reported = nodes.stream().filter(n -> n.agent("pkg").failure().startsWith("the representative gave up")).count();
        assertEquals(7, reported, "members that took the representative's report");
        assertTrue(origin.bytesServed() <= origin.length() + origin.length() / 4,
                "origin served " + origin.bytesServed() + " bytes for a " + origin.length() + "-byte package");
        System.out.printf("origin package does not match: all 8 agents failed, origin served %d bytes (%.2fx)%n",
                origin.bytesServed(), (double) origin.bytesServed() / origin.length());
    }
}
