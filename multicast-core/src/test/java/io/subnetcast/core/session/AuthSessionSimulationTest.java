package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.auth.AuthCounter;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Claim;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A keyed session on the simulated LAN under attack by a host without the key, who knows the task
 * id, every node id, the session id and the epoch (the worst case: with authentication only, all
 * of it is on the wire), forges plain Claims, Beacons, End, NAKs and data in their names, flips
 * bytes of captured sealed datagrams, and replays captured ones: the transfer completes unharmed.
 */
class AuthSessionSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long ATTACK_EVERY_NS = 20_000_000L;
    private static final SessionKey KEY = SessionKey.of(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

    @TempDir
    Path dir;
    private SimulatedLan lan;
    private final List<byte[]> captured = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(5);

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void forgedAndReplayedDatagramsAreDroppedAndCountedAndThePackageArrivesIntact(boolean encrypt) throws IOException {
        SimOrigin origin = new SimOrigin(512 * 1024 + 333, 11, 20_000_000);
        TaskSpec task = SessionSimulationTest.task("pkg", origin);
        List<SimNode> nodes = sixAgentsAndMallory(origin);
        SimNode mallory = nodes.remove(nodes.size() - 1);
        lan.tap((group, datagram) -> {
            if (Envelope.classify(datagram) == Envelope.Kind.SEALED && captured.size() < 5_000) {
                captured.add(ByteBufUtil.getBytes(datagram));
            }
        });
        nodes.forEach(n -> n.distribute(task, SessionSimulationTest.config().build(), KEY, encrypt));
        attack(mallory, nodes, 25 * SECOND);

        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                40 * SECOND), describe(nodes));
        for (SimNode node : nodes) {
            Path published = node.port("pkg").published();
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(published)), node.name());
            assertEquals(0, node.agent("pkg").invalidDatagrams(), "no forgery reached the agent of " + node.name());
        }
        assertEquals(1, origin.downloads(), "one representative fetched once: forged claims changed nothing");
        long forged = sum(nodes, AuthCounter.FORGED);
        long replayed = sum(nodes, AuthCounter.REPLAYED);
        long unauthenticated = sum(nodes, AuthCounter.UNAUTHENTICATED);
        System.out.printf("encrypt=%s: forged %d, replayed %d, unauthenticated %d%n", encrypt, forged, replayed,
                unauthenticated);
        assertTrue(forged > 100, "forged " + forged);
        assertTrue(replayed > 100, "replayed " + replayed);
        assertTrue(unauthenticated > 100, "unauthenticated " + unauthenticated);
    }

    /**
     * The control experiment: the same plain forgeries against a session without a key reach its
     * agents (a forged End or Beacon is acted on), which shows that the attack above is real.
     */
    @Test
    void withoutAKeyTheSameForgeriesReachTheAgents() {
        SimOrigin origin = new SimOrigin(512 * 1024 + 333, 11, 20_000_000);
        TaskSpec task = SessionSimulationTest.task("pkg", origin);
        List<SimNode> nodes = sixAgentsAndMallory(origin);
        SimNode mallory = nodes.remove(nodes.size() - 1);
        nodes.forEach(n -> n.distribute(task, SessionSimulationTest.config().build()));
        attack(mallory, nodes, 25 * SECOND);
        boolean allComplete = lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                40 * SECOND);
        long invalid = nodes.stream().mapToLong(n -> n.agent("pkg").invalidDatagrams()).sum();
        System.out.printf("no key: all complete %s, invalid datagrams seen by agents %d, downloads %d%n",
                allComplete, invalid, origin.downloads());
        // The forged beacon in the representative's own name says PAUSED: only a forgery pauses this
        // session, so a member that ever went PAUSED was led by one.
        long pausedByForgery = nodes.stream().filter(n -> n.port("pkg").transitions().contains("PAUSED/MEMBER")).count();
        System.out.printf("no key: members paused by a forged beacon %d%n", pausedByForgery);
        assertTrue(pausedByForgery > 0, "no forged beacon was acted on: the control experiment shows nothing");
        assertEquals(0, sum(nodes, AuthCounter.UNAUTHENTICATED), "keyless tasks take plain datagrams as before");
    }

    /** A LAN with six hosts for the task and, last in the list, the attacker's host. */
    private List<SimNode> sixAgentsAndMallory(SimOrigin origin) {
        lan = new SimulatedLan(11, dir, origin);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(lan.addNode("n" + i, 0));
        }
        nodes.add(lan.addNode("mallory", 0));
        return nodes;
    }

    private static long sum(List<SimNode> nodes, AuthCounter counter) {
        return nodes.stream().mapToLong(n -> n.authCounters().get(counter)).sum();
    }

    private static String describe(List<SimNode> nodes) {
        StringBuilder out = new StringBuilder();
        nodes.forEach(n -> out.append(n.name()).append(": ").append(n.describe()).append(n.authCounters()).append('\n'));
        return out.toString();
    }

    /** Every 20 ms until {@code untilNs}: one volley of forgeries and replays. */
    private void attack(SimNode mallory, List<SimNode> nodes, long untilNs) {
        lan.schedule(lan.nowNs() + ATTACK_EVERY_NS, () -> {
            volley(mallory, nodes);
            if (lan.nowNs() < untilNs) {
                attack(mallory, nodes, untilNs);
            }
        });
    }

    private void volley(SimNode mallory, List<SimNode> nodes) {
        SessionAgent victim = nodes.get(random.nextInt(nodes.size())).agent("pkg");
        SessionAgent leader = nodes.stream().map(n -> n.agent("pkg"))
                .filter(a -> a.role() == Role.REPRESENTATIVE).findFirst().orElse(victim);
        long session = leader.sessionId();
        int epoch = leader.epoch();
        // A claim in the victim's name that would win any election, and one from a stranger.
        control(mallory, Control.newBuilder().setTaskId("pkg").setNodeId(victim.nodeId()).setEpoch(epoch + 1)
                .setClaim(Claim.newBuilder().setPriority(1_000).setBytesHeld(Long.MAX_VALUE)).build());
        control(mallory, Control.newBuilder().setTaskId("pkg").setNodeId(0x5eedL).setEpoch(epoch + 1)
                .setClaim(Claim.newBuilder().setPriority(1_000).setBytesHeld(Long.MAX_VALUE)).build());
        // The representative "says" the session ended, or was paused, or moved to another group.
        control(mallory, Control.newBuilder().setTaskId("pkg").setNodeId(leader.nodeId()).setEpoch(epoch)
                .setEnd(End.newBuilder().setSessionId(session)).build());
        control(mallory, Control.newBuilder().setTaskId("pkg").setNodeId(leader.nodeId()).setEpoch(epoch + 1)
                .setBeacon(Beacon.newBuilder().setSessionId(session ^ 1).setPhase(SessionPhase.PHASE_PAUSED)
                        .setPackageLength(1_000).setBlockSize(1024).setChunkSize(512)
                        .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 9, 9})).setDataPort(9)
                        .setPriority(1_000).setBytesHeld(Long.MAX_VALUE)).build());
        // A NAK for a whole block, which would queue its retransmission.
        control(mallory, Control.newBuilder().setTaskId("pkg").setNodeId(victim.nodeId()).setEpoch(epoch)
                .setNak(Nak.newBuilder().setSessionId(session)
                        .addRanges(ChunkRange.newBuilder().setBlock(0).setOffset(0).setLength(16 * 1024))).build());
        // Data with wrong bytes, plain, to the session's group.
        if (leader.dataGroup() != null) {
            ByteBuf data = Unpooled.buffer();
            DataHeader.write(data, 0, 512, session, epoch, random.nextInt(4), 0, random.nextInt());
            data.writeBytes(new byte[512]);
            lan.inject(mallory, leader.dataGroup(), data, true);
        }
        if (!captured.isEmpty()) {
            byte[] old = captured.get(random.nextInt(captured.size()));
            // A fresh sequence number (so the replay window lets it through to the tag check) and a
            // flipped bit: only the key could make the tag match.
            byte[] flipped = old.clone();
            long sequence = 1_000_000L + random.nextInt(1 << 30);
            for (int i = 0; i < Long.BYTES; i++) {
                flipped[20 + i] = (byte) (sequence >>> (56 - 8 * i));
            }
            flipped[28 + random.nextInt(flipped.length - 28)] ^= 0x40;
            InetSocketAddress any = leader.dataGroup() != null ? leader.dataGroup() : SimNode.CONTROL_GROUP;
            lan.inject(mallory, SimNode.CONTROL_GROUP, Unpooled.wrappedBuffer(flipped), false);
            lan.inject(mallory, SimNode.CONTROL_GROUP, Unpooled.wrappedBuffer(old), false);
            lan.inject(mallory, any, Unpooled.wrappedBuffer(old.clone()), true);
        }
    }

    private void control(SimNode mallory, Control message) {
        lan.inject(mallory, SimNode.CONTROL_GROUP, ControlCodec.encode(Unpooled.buffer().alloc(), message), false);
    }
}
