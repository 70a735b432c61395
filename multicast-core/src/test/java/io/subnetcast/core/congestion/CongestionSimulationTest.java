package io.subnetcast.core.congestion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimLink;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate adaptation on the simulated LAN with tbf-like shaped links: the representative is
 * configured at 100 Mbit/s, its members' links carry 20 Mbit/s with a 32 KiB queue (13 ms).
 */
class CongestionSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long CONFIGURED_BPS = 100_000_000L;
    private static final long LINK_BPS = 20_000_000L;
    private static final int QUEUE_BYTES = 32 * 1024;
    private static final long LENGTH = 16L << 20;
    private static final int MEMBERS = 6;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private static SessionConfig.Builder config() {
        return SessionConfig.builder().blockSize(64 * 1024).startDelay(Duration.ofSeconds(3))
                .rateBitsPerSecond(CONFIGURED_BPS).linger(Duration.ofSeconds(5));
    }

    /** A session of a representative (priority 1, unshaped) and members behind shaped links. */
    private List<SimNode> session(long seed, SessionConfig config, long linkBps) {
        SimOrigin origin = new SimOrigin(LENGTH, seed, 1_000_000_000L);
        lan = new SimulatedLan(seed, dir.resolve("s" + seed + config.adaptiveRate()), origin);
        List<SimNode> nodes = new ArrayList<>();
        SimNode leader = lan.addNode("rep", 0);
        leader.distribute(task(origin, 1), config);
        nodes.add(leader);
        for (int i = 0; i < MEMBERS; i++) {
            SimNode member = lan.addNode("m" + i, 0);
            member.setLink(new SimLink(linkBps, QUEUE_BYTES));
            member.distribute(task(origin, 0), config);
            nodes.add(member);
        }
        return nodes;
    }

    private static TaskSpec task(SimOrigin origin, int priority) {
        return new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), priority);
    }

    private static boolean allComplete(List<SimNode> nodes) {
        return nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE);
    }

    private static long linkDropped(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.link() != null).mapToLong(n -> n.link().dropped()).sum();
    }

    private static long linkOffered(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.link() != null).mapToLong(n -> n.link().offered()).sum();
    }

    @Test
    void aShapedLinkBelowTheConfiguredRateIsFilledToAtLeastEightyPercent() throws IOException {
        List<SimNode> nodes = session(7, config().build(), LINK_BPS);
        SimNode leader = nodes.get(0);
        assertTrue(lan.runUntil(() -> !leader.port("pkg").firstChunkSentNs().isEmpty(), 20 * SECOND));
        assertEquals(Role.REPRESENTATIVE, leader.agent("pkg").role());
        long startNs = lan.nowNs();
        long[] rates = {Long.MAX_VALUE}; // the lowest rate seen
        assertTrue(lan.runUntil(() -> {
            long rate = leader.agent("pkg").sendRateBitsPerSecond();
            rates[0] = Math.min(rates[0], rate);
            return allComplete(nodes);
        }, 60 * SECOND), () -> states(nodes));
        double seconds = (lan.nowNs() - startNs) / 1e9;
        double goodputBps = LENGTH * 8 / seconds;
        double loss = (double) linkDropped(nodes) / linkOffered(nodes);
        RateController control = leader.agent("pkg").rateController();
        System.out.printf("tbf-like links at %d Mbit/s, configured %d Mbit/s, %d members: all verified after %.2f s;"
                + " goodput %.1f Mbit/s = %.0f%% of the link; link loss %.1f%%; rate %d..%d Mbit/s, %d cuts%n",
                LINK_BPS / 1_000_000, CONFIGURED_BPS / 1_000_000, MEMBERS, seconds, goodputBps / 1e6,
                100 * goodputBps / LINK_BPS, 100 * loss, control.lowestRateBitsPerSecond() / 1_000_000,
                control.ceilingBitsPerSecond() / 1_000_000, control.cuts());
        for (SimNode node : nodes) {
            assertArrayEquals(lan.origin().sha256(),
                    BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())), node.name());
        }
        assertTrue(goodputBps >= 0.8 * LINK_BPS, "goodput " + goodputBps + " bit/s");
        assertTrue(control.lowestRateBitsPerSecond() <= LINK_BPS, "the rate was adapted to the link");
        assertTrue(rates[0] >= control.floorBitsPerSecond());
        assertTrue(loss < 0.10, "loss " + loss);
    }

    @Test
    void withoutAdaptationTheSameLinkLosesMostOfWhatIsSent() {
        List<SimNode> nodes = session(7, config().adaptiveRate(false).build(), LINK_BPS);
        SimNode leader = nodes.get(0);
        assertTrue(lan.runUntil(() -> !leader.port("pkg").firstChunkSentNs().isEmpty(), 20 * SECOND));
        lan.runFor(SECOND);
        double loss = (double) linkDropped(nodes) / linkOffered(nodes);
        System.out.printf("the same links without adaptation: %.0f%% loss in the first second at %d Mbit/s%n",
                100 * loss, leader.agent("pkg").sendRateBitsPerSecond() / 1_000_000);
        assertTrue(loss > 0.7, "loss " + loss);
        assertEquals(CONFIGURED_BPS, leader.agent("pkg").sendRateBitsPerSecond());
    }

    /** Every 50 ms until all are done, a forged report of 100% loss from each of the given node ids. */
    private void forgeReports(List<SimNode> nodes, SessionAgent agent, long... forgers) {
        Runnable[] forge = new Runnable[1];
        forge[0] = () -> {
            for (long node : forgers) {
                agent.onControl(Control.newBuilder().setTaskId("pkg").setNodeId(node).setEpoch(agent.epoch())
                        .setStatus(Status.newBuilder().setSessionId(agent.sessionId()).setLossFraction(65_536)
                                .setReceiveRateKbps(1)).build(), lan.nowNs());
            }
            if (!allComplete(nodes)) {
                lan.schedule(lan.nowNs() + 50_000_000L, forge[0]);
            }
        };
        lan.schedule(lan.nowNs(), forge[0]);
    }

    /**
     * A stranger's first status only enters it in the member table (sessions are not authenticated
     * yet, so a status is all it takes to be a member); its reports of total loss are then weighed
     * against the real members' and left out as slow: the rate is never cut.
     */
    @Test
    void aStrangersReportsOfTotalLossNeverCutTheRate() {
        List<SimNode> nodes = session(13, config().build(), 1_000_000_000L);
        SimNode leader = nodes.get(0);
        assertTrue(lan.runUntil(() -> !leader.port("pkg").firstChunkSentNs().isEmpty(), 20 * SECOND));
        SessionAgent agent = leader.agent("pkg");
        forgeReports(nodes, agent, 0x5eedL);
        assertTrue(lan.runUntil(() -> allComplete(nodes), 60 * SECOND), () -> states(nodes));
        RateController control = agent.rateController();
        assertEquals(0, control.cuts());
        assertEquals(CONFIGURED_BPS, control.lowestRateBitsPerSecond());
        assertTrue(control.slowReports() > 0, "the stranger's reports were weighed and left out");
    }

    @Test
    void forgedReportsOfTotalLossNeitherThrottleNorHoldBackTheSession() {
        List<SimNode> nodes = session(11, config().build(), 1_000_000_000L);
        SimNode leader = nodes.get(0);
        SimNode victim = nodes.get(1);
        assertTrue(lan.runUntil(() -> !leader.port("pkg").firstChunkSentNs().isEmpty(), 20 * SECOND));
        SessionAgent agent = leader.agent("pkg");
        long startNs = lan.nowNs();
        // From a stranger and in a real member's name.
        forgeReports(nodes, agent, 0x5eedL, victim.nodeId());
        long[] lowest = {Long.MAX_VALUE};
        assertTrue(lan.runUntil(() -> {
            lowest[0] = Math.min(lowest[0], agent.sendRateBitsPerSecond());
            return allComplete(nodes);
        }, 60 * SECOND), () -> states(nodes));
        double seconds = (lan.nowNs() - startNs) / 1e9;
        RateController control = agent.rateController();
        System.out.printf("forged 100%% loss reports every 50 ms: lowest rate %.1f Mbit/s (floor %.1f), all done in"
                + " %.2f s (%.2f s at the configured rate)%n", lowest[0] / 1e6, control.floorBitsPerSecond() / 1e6,
                seconds, LENGTH * 8.0 / CONFIGURED_BPS);
        assertTrue(lowest[0] >= control.floorBitsPerSecond(), "never below the floor");
        assertTrue(control.slowReports() > 0, "the forged member's reports were left out as slow");
        // The session is not held back: at most a third slower than at the configured rate.
        assertTrue(seconds < 1.35 * LENGTH * 8.0 / CONFIGURED_BPS + 1, "took " + seconds + " s");
    }

    private static String states(List<SimNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes) {
            out.append(node.name()).append('=').append(node.describe());
        }
        return out.toString();
    }
}
