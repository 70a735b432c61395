package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimLink;
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

/**
 * One receiver behind a 2 Mbit/s link among ten behind 50 Mbit/s links, the representative
 * configured at 100 Mbit/s: the session adapts to the ten, not to the slow one, which keeps what it
 * hears and completes from its peers.
 */
class SlowReceiverSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MBIT = 1_000_000L;
    private static final long LENGTH = 8L << 20;
    private static final int QUEUE_BYTES = 32 * 1024;

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
    void oneReceiverFarSlowerThanTheRestDoesNotHoldTheSessionBackAndCompletesFromPeers() throws Exception {
        SimOrigin origin = new SimOrigin(LENGTH, 3, 1_000_000_000L);
        lan = new SimulatedLan(2027, dir, origin);
        SplittableRandom seeds = new SplittableRandom(5);
        lan.setPeerTransfer(new SimPeerTransfer(lan, 50_000_000, 1_000_000));
        GapRepairFactory repair = (context, transfer) -> new PeerRepairer(context, transfer, PeerRepairConfig.defaults(), seeds.split());
        SessionConfig config = SessionConfig.builder().blockSize(16 * 1024).startDelay(Duration.ofSeconds(3))
                .rateBitsPerSecond(100 * MBIT).linger(Duration.ofSeconds(30)).build();
        List<SimNode> nodes = new ArrayList<>();
        SimNode leader = lan.addNode("rep", 0);
        nodes.add(leader);
        for (int i = 0; i < 10; i++) {
            SimNode member = lan.addNode("m" + i, 0);
            member.setLink(new SimLink(50 * MBIT, QUEUE_BYTES));
            nodes.add(member);
        }
        SimNode slow = lan.addNode("slow", 0);
        slow.setLink(new SimLink(2 * MBIT, QUEUE_BYTES));
        nodes.add(slow);
        for (SimNode node : nodes) {
            node.setRepairFactory(repair);
            node.distribute(new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(),
                    node == leader ? 1 : 0), config);
        }
        assertTrue(lan.runUntil(() -> !leader.port("pkg").firstChunkSentNs().isEmpty(), 20 * SECOND));
        assertEquals(Role.REPRESENTATIVE, leader.agent("pkg").role());
        long startNs = lan.nowNs();
        long[] fastDoneNs = {-1};
        long[] lowest = {Long.MAX_VALUE};
        assertTrue(lan.runUntil(() -> {
            lowest[0] = Math.min(lowest[0], leader.agent("pkg").sendRateBitsPerSecond());
            if (fastDoneNs[0] < 0 && nodes.stream().filter(n -> n != slow)
                    .allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE)) {
                fastDoneNs[0] = lan.nowNs();
            }
            return slow.agent("pkg").state() == AgentState.COMPLETE && fastDoneNs[0] >= 0;
        }, 120 * SECOND), () -> slow.describe());
        RateController control = leader.agent("pkg").rateController();
        SessionProgress slowProgress = slow.agent("pkg").progress(lan.nowNs());
        System.out.printf("10 members at 50 Mbit/s and one at 2 Mbit/s, configured 100 Mbit/s: lowest rate %.1f Mbit/s,"
                + " %d slow reports left out; the ten done after %.2f s (%.1f Mbit/s), the slow one after %.2f s with"
                + " %d bytes from multicast and %d from repair%n", lowest[0] / 1e6, control.slowReports(),
                (fastDoneNs[0] - startNs) / 1e9, LENGTH * 8e3 / (fastDoneNs[0] - startNs), (lan.nowNs() - startNs) / 1e9,
                slowProgress.bytesFromMulticast(), slowProgress.bytesFromRepair());
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(),
                    BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())), node.name());
        }
        assertTrue(lowest[0] >= 20 * MBIT, "the session rate was dragged down to " + lowest[0]);
        assertTrue(control.slowReports() > 0, "the slow receiver's reports were left out");
        assertTrue(slowProgress.bytesFromRepair() > LENGTH / 2, "the slow one completed from peers");
        // The ten finish at about their link rate: 8 MiB at 50 Mbit/s is 1.4 s.
        assertTrue(fastDoneNs[0] - startNs < 4 * SECOND, "the ten took " + (fastDoneNs[0] - startNs) + " ns");
    }
}
