package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocked-data-group rule ({@link DataSilenceDetector}) on its own, and a member without peer
 * repair whose data group is blocked: its only unicast source is the origin.
 */
class DataSilenceSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @Test
    void silenceCountsOnlyWhileThePassMovesPastMissingBlocks() throws Exception {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile store = cache.open("t", 64L * 16 * 1024, 16 * 1024, "id")) {
            DataSilenceDetector silence = new DataSilenceDetector(3 * SECOND);
            silence.onBeacon(true, 0, store, 0);
            silence.onBeacon(true, 0, store, 4 * SECOND); // the representative waits for its download
            assertFalse(silence.isSilent(4 * SECOND), "a pass that does not move is no evidence");
            assertEquals(Long.MAX_VALUE, silence.wakeNs(), "nothing to wake for before the pass moves");
            silence.onBeacon(true, 5, store, 4500 * MS);
            assertFalse(silence.isSilent(4500 * MS), "the window restarted with the stalled pass");
            assertEquals(7 * SECOND, silence.wakeNs());
            assertTrue(silence.isSilent(7 * SECOND));
            silence.onData();
            assertFalse(silence.isSilent(7 * SECOND), "one datagram ends the silence");
            silence.onBeacon(true, 5, store, 8 * SECOND);
            silence.onBeacon(true, 9, store, 9 * SECOND);
            assertFalse(silence.isSilent(10 * SECOND));
            assertTrue(silence.isSilent(11 * SECOND));
            silence.onBeacon(false, 9, store, 11 * SECOND); // paused or ended: nothing is due
            assertFalse(silence.isSilent(20 * SECOND));
            assertEquals(Long.MAX_VALUE, silence.wakeNs());
        }
    }

    @Test
    void withoutPeerRepairABlockedMemberFallsBackToTheOrigin() throws Exception {
        SimOrigin origin = new SimOrigin(8L * 1024 * 1024, 6, 20_000_000);
        SimulatedLan lan = new SimulatedLan(6, dir, origin);
        try {
            SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(2))
                    .rateBitsPerSecond(20_000_000L).build();
            List<SimNode> nodes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                nodes.add(lan.addNode("n" + i, 0));
            }
            TaskSpec task = SessionSimulationTest.task("t", origin);
            nodes.forEach(n -> n.distribute(task, config));
            assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("t").role() == Role.MEMBER).count() == 3,
                    10 * SECOND));
            SimNode blocked = nodes.stream().filter(n -> n.agent("t").role() == Role.MEMBER).findFirst().orElseThrow();
            blocked.setDataBlocked(true);
            assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("t").state() == AgentState.COMPLETE),
                    60 * SECOND), SessionSimulationTest.states(nodes, "t"));
            for (SimNode node : nodes) {
                assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("t").published())));
                SessionProgress progress = node.agent("t").progress(lan.nowNs());
                if (node == blocked) {
                    assertNotNull(progress.fallback());
                    assertEquals(origin.length(), progress.bytesFromOrigin());
                } else {
                    assertNull(progress.fallback(), node.name());
                }
            }
            assertEquals(2 * origin.length(), origin.bytesServed(), "the representative and the blocked member");
        } finally {
            lan.close();
        }
    }
}
