package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack reproduced on the LAN: an unkeyed representative is fetching its package when a host
 * sends five beacons for its task, epoch 99, a data group of 10.0.0.1 (four bytes, not multicast),
 * a package length of 3,000,000; then the same burst with a real multicast group. Neither unseats
 * it: it keeps leading the same session, reports its own package length, and every member ends
 * with a verified copy from one download.
 */
class ForgedBeaconSimulationTest {
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

    @Test
    void aBurstOfForgedBeaconsLeavesTheRepresentativeLeadingWithItsFiguresIntact() throws Exception {
        SimOrigin origin = new SimOrigin(3L * 1024 * 1024 + 77, 17, 4_000_000); // about 0.8 s to download
        lan = new SimulatedLan(17, dir, origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        SimNode mallory = lan.addNode("mallory", 0);
        TaskSpec task = SessionSimulationTest.task("pkg", origin);
        nodes.forEach(n -> n.distribute(task, SessionSimulationTest.config().build()));
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE
                && n.agent("pkg").state() == AgentState.FETCHING && n.agent("pkg").store() != null), 10 * SECOND));
        SessionAgent leader = nodes.stream().map(n -> n.agent("pkg")).filter(a -> a.role() == Role.REPRESENTATIVE)
                .findFirst().orElseThrow();
        long session = leader.sessionId();
        long length = leader.progress(lan.nowNs()).packageLength();
        for (byte[] group : new byte[][] {{10, 0, 0, 1}, {(byte) 239, (byte) 255, 66, 6}}) {
            for (int i = 0; i < 5; i++) {
                Control forged = Control.newBuilder().setTaskId("pkg").setNodeId(1_234_567_890L).setEpoch(99)
                        .setBeacon(Beacon.newBuilder().setSessionId(0x0bad).setPhase(SessionPhase.PHASE_SENDING)
                                .setDataGroup(ByteString.copyFrom(group)).setDataPort(41_235).setPackageLength(3_000_000)
                                .setBlockSize(16 * 1024).setChunkSize(1024).setPriority(1_000)).build();
                lan.inject(mallory, SimNode.CONTROL_GROUP, ControlCodec.encode(Unpooled.buffer().alloc(), forged), false);
                lan.runUntil(() -> false, SECOND / 10);
            }
        }
        assertEquals(Role.REPRESENTATIVE, leader.role(), "the representative was deposed");
        assertEquals(session, leader.sessionId());
        assertEquals(length, leader.progress(lan.nowNs()).packageLength(), "the forged length was taken");
        for (SimNode node : nodes) {
            assertEquals(session, node.agent("pkg").sessionId(), node.name() + " left the session");
            AgentHarness.assertRoleFitsState(node.agent("pkg").role(), node.agent("pkg").state());
        }
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                60 * SECOND), SessionSimulationTest.states(nodes, "pkg"));
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())));
        }
        assertEquals(1, origin.downloads(), "one download for the subnet");
        assertEquals(length, leader.progress(lan.nowNs()).packageLength());
    }
}
