package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause and resume, download/multicast overlap and progress counts on the simulated LAN. */
class SessionControlSimulationTest {
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

    private List<SimNode> start(SimOrigin origin, int count, SessionConfig config) {
        lan = new SimulatedLan(17, dir, origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        TaskSpec task = SessionSimulationTest.task("t", origin);
        nodes.forEach(n -> n.distribute(task, config));
        return nodes;
    }

    private static SimNode leader(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.agent("t").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
    }

    private static boolean allComplete(List<SimNode> nodes) {
        return nodes.stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE);
    }

    @Test
    void pausingTheRepresentativePausesTheSessionAndResumeContinuesWhereItStopped() {
        SimOrigin origin = new SimOrigin(2 * 1024 * 1024, 2, 50_000_000);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(8_000_000L).build();
        List<SimNode> nodes = start(origin, 5, config);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("t").role() == Role.REPRESENTATIVE
                && n.port("t").firstChunkSentNs().size() > 30), 20 * SECOND));
        SimNode leader = leader(nodes);
        SessionAgent rep = leader.agent("t");
        long leaderId = leader.nodeId();
        rep.pause(lan.nowNs());
        assertEquals(AgentState.PAUSED, rep.state());
        long sentAtPause = leader.port("t").dataDatagramsSent();
        // Within a beacon interval every member knows the session is paused.
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("t").state() == AgentState.PAUSED), SECOND),
                SessionSimulationTest.states(nodes, "t"));
        // Paused for ten seconds, far beyond the representative timeout: nobody fails, nobody re-elects.
        lan.runFor(10 * SECOND);
        assertEquals(sentAtPause, leader.port("t").dataDatagramsSent(), "no data while paused");
        for (SimNode node : nodes) {
            SessionAgent agent = node.agent("t");
            assertEquals(AgentState.PAUSED, agent.state(), node.name());
            assertEquals(leaderId, agent.leaderNodeId(), node.name());
        }
        rep.resume(lan.nowNs());
        assertTrue(lan.runUntil(() -> allComplete(nodes), 30 * SECOND), SessionSimulationTest.states(nodes, "t"));
        // Lossless, so every chunk went out exactly once: resume continued, it did not restart.
        long chunks = (origin.length() + config.chunkSize() - 1) / config.chunkSize() + 2 * 1024 * 1024 / BLOCK;
        assertTrue(leader.port("t").dataDatagramsSent() <= chunks, "sent " + leader.port("t").dataDatagramsSent());
        assertEquals(1, origin.downloads());
    }

    @Test
    void aMemberPausedLocallyLeavesTheGroupAndCatchesUpAfterResume() {
        SimOrigin origin = new SimOrigin(1024 * 1024, 4, 50_000_000);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(8_000_000L).build();
        List<SimNode> nodes = start(origin, 3, config);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("t").role() == Role.REPRESENTATIVE)
                && nodes.stream().allMatch(n -> n.agent("t").sessionId() != 0), 20 * SECOND));
        SimNode member = nodes.stream().filter(n -> n.agent("t").role() == Role.MEMBER).findFirst().orElseThrow();
        member.agent("t").pause(lan.nowNs());
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n != member)
                .allMatch(n -> n.agent("t").state() == AgentState.COMPLETE), 30 * SECOND));
        assertEquals(AgentState.PAUSED, member.agent("t").state());
        assertEquals(0, member.agent("t").store().presentBlocks(), "a paused member receives nothing");
        member.agent("t").resume(lan.nowNs());
        assertTrue(lan.runUntil(() -> member.agent("t").state() == AgentState.COMPLETE, 30 * SECOND),
                SessionSimulationTest.states(nodes, "t"));
    }

    @Test
    void multicastOverlapsTheDownloadSoTheTotalIsCloserToTheMaximumThanTheSum() {
        // 4 MiB: 0.84 s to download at 5 MB/s, 0.42 s to multicast at 80 Mbit/s.
        SimOrigin origin = new SimOrigin(4 * 1024 * 1024, 8, 5_000_000);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofMillis(100))
                .rateBitsPerSecond(80_000_000L).build();
        List<SimNode> nodes = start(origin, 4, config);
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("t").role() == Role.REPRESENTATIVE),
                10 * SECOND));
        long elected = lan.nowNs();
        assertTrue(lan.runUntil(() -> allComplete(nodes), 30 * SECOND), SessionSimulationTest.states(nodes, "t"));
        double seconds = (lan.nowNs() - elected) / 1e9;
        double download = 4.0 * 1024 * 1024 / 5_000_000;
        double multicast = 4.0 * 1024 * 1024 * 8 / 80_000_000;
        System.out.printf("download %.2f s, multicast %.2f s, both done after %.2f s (sum %.2f)%n", download,
                multicast, seconds, download + multicast + 0.1);
        assertTrue(seconds < download + 0.25 * multicast + 0.1, "took " + seconds + " s");
    }

    @Test
    void theRepresentativeCountsItsMembersAndTheirCompletion() {
        SimOrigin origin = new SimOrigin(512 * 1024, 6, 50_000_000);
        List<SimNode> nodes = start(origin, 6, SessionSimulationTest.config().startDelay(Duration.ofSeconds(1))
                .linger(Duration.ofSeconds(60)).build());
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("t").role() == Role.REPRESENTATIVE
                && n.agent("t").progress(lan.nowNs()).membersKnown() == 5), 10 * SECOND));
        SessionProgress waiting = leader(nodes).agent("t").progress(lan.nowNs());
        assertEquals(AgentState.FETCHING, waiting.state());
        assertEquals(0, waiting.membersComplete());
        assertTrue(waiting.startDelayRemainingMs() > 0 && waiting.startDelayRemainingMs() <= 1000);
        assertTrue(lan.runUntil(() -> leader(nodes).agent("t").progress(lan.nowNs()).membersComplete() == 5, 30 * SECOND));
        SessionProgress done = leader(nodes).agent("t").progress(lan.nowNs());
        assertEquals(5, done.membersKnown());
        assertEquals(origin.length(), done.bytesFromOrigin());
        // Members learn the counts from beacons.
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("t").role() == Role.MEMBER)
                .allMatch(n -> n.agent("t").progress(lan.nowNs()).membersComplete() == 5), 5 * SECOND));
    }
}
