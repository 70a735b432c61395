package io.subnetcast.core.scale;

import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.proto.Control;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * N agents on one subnet start the same task within the same second: the run measures the
 * election, the control traffic once it converged, and the distribution to every agent.
 *
 * <p>Control datagrams are counted as the LAN carries them (each multicast once, whatever the
 * number of listeners): "per agent per second" is what one agent sends on average, and "at the
 * representative" is what its receive path decodes.
 */
final class OneSubnetScenario {
    private static final long SECOND = 1_000_000_000L;
    static final Duration START_DELAY = Duration.ofSeconds(40);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration WINDOW = Duration.ofSeconds(30);

    /** What the run measured. */
    record Result(int agents, int representatives, long convergedNs, int originDownloads, long originBytes,
                  long completeNs, int verified, Map<Control.BodyCase, Long> controlAfterConvergence,
                  long controlWindowNs, long wallMs, Map<Long, Map<Control.BodyCase, Long>> joinSeconds) {
        /** @return control datagrams one agent sends per second after convergence, on average */
        double controlPerAgentPerSecond() {
            return controlReceivedPerSecond() / agents;
        }

        /** @return control datagrams every agent receives per second after convergence (all of them, but its own) */
        double controlReceivedPerSecond() {
            long total = controlAfterConvergence.values().stream().mapToLong(Long::longValue).sum();
            return total / (controlWindowNs / 1e9);
        }

        /** @return one line with every figure */
        String describe() {
            return String.format("%d agents: %d representative(s), converged %.2f s, origin fetched %d time(s) (%d bytes),"
                            + " all complete %.2f s, %d verified; after convergence every agent received %.1f control"
                            + " datagrams/s (each sent %.3f/s), the representative %.1f statuses and NAKs/s %s;"
                            + " joining, second by second: %s; simulated in %d ms", agents, representatives, convergedNs / 1e9,
                    originDownloads, originBytes, completeNs / 1e9, verified, controlReceivedPerSecond(),
                    controlPerAgentPerSecond(), statusAndNakAtRepresentativePerSecond(), controlAfterConvergence,
                    joinSeconds, wallMs);
        }

        /**
         * @param type a kind of control message
         * @return the most of them the LAN carried in one second (of the run's clock) before the
         *     measured window: the join's burst
         */
        long joinPeak(Control.BodyCase type) {
            return joinSeconds.values().stream().mapToLong(m -> m.getOrDefault(type, 0L)).max().orElse(0);
        }

        /** @return questions ("is there a session?") sent per agent before the window */
        double questionsPerAgent() {
            return joinSeconds.values().stream().mapToLong(m -> m.getOrDefault(Control.BodyCase.DISCOVER, 0L)).sum()
                    / (double) agents;
        }

        /** @return status and NAK messages the representative decodes per second after convergence */
        double statusAndNakAtRepresentativePerSecond() {
            long count = controlAfterConvergence.getOrDefault(Control.BodyCase.STATUS, 0L)
                    + controlAfterConvergence.getOrDefault(Control.BodyCase.NAK, 0L);
            return count / (controlWindowNs / 1e9);
        }
    }

    /** Every agent starts within this span from the run's start. */
    static final long START_SPREAD_NS = SECOND;

    /**
     * @return the bound on the election, from the run's start: the last agent starts, discovers (asked
     *     twice), claims, and the group settles within three beacon intervals
     */
    static long electionBoundNs(SessionConfig config) {
        return START_SPREAD_NS + 2 * config.discoveryTimeout().toNanos() + config.claimWindow().toNanos()
                + 3 * config.beaconInterval().toNanos();
    }

    private final int agents;
    private final long seed;
    private final double controlLoss;
    private final long packageBytes;

    OneSubnetScenario(int agents, long seed, double controlLoss, long packageBytes) {
        this.agents = agents;
        this.seed = seed;
        this.controlLoss = controlLoss;
        this.packageBytes = packageBytes;
    }

    Result run(Path directory) {
        long wallStart = System.nanoTime();
        SimOrigin origin = new SimOrigin(packageBytes, seed, 100_000_000);
        SimulatedLan lan = new SimulatedLan(seed, directory, origin);
        try {
            lan.faults().controlLoss = controlLoss;
            lan.faults().jitterNs = 1_000_000;
            TaskSpec task = new TaskSpec("scale", URI.create("http://origin.test/scale"), origin.sha256(), 0);
            // A long start delay: the members wait in the session while the control traffic is measured.
            SessionConfig config = SessionConfig.builder().blockSize(64 * 1024).startDelay(START_DELAY)
                    .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(5)).build();
            List<SimNode> nodes = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                nodes.add(lan.addNode("n" + i, 0));
            }
            // Every agent starts within the first second, in a seeded order.
            java.util.SplittableRandom starts = new java.util.SplittableRandom(seed);
            for (SimNode node : nodes) {
                lan.schedule(starts.nextLong(START_SPREAD_NS), () -> node.distribute(task, config));
            }
            Map<Control.BodyCase, Long> counted = new EnumMap<>(Control.BodyCase.class);
            Map<Long, Map<Control.BodyCase, Long>> joinSeconds = new java.util.TreeMap<>();
            boolean[] counting = {false, true};
            lan.tap((group, datagram) -> {
                if (!group.equals(SimNode.CONTROL_GROUP)) {
                    return;
                }
                Control.BodyCase type = ControlCodec.decode(datagram).getBodyCase();
                if (counting[0]) {
                    counted.merge(type, 1L, Long::sum);
                } else if (counting[1]) {
                    joinSeconds.computeIfAbsent(lan.nowNs() / SECOND, k -> new EnumMap<>(Control.BodyCase.class))
                            .merge(type, 1L, Long::sum);
                }
            });
            long start = lan.nowNs();
            boolean converged = lan.runUntil(sampled(lan, () -> started(nodes) && converged(nodes)), 30 * SECOND);
            long convergedNs = converged ? lan.nowNs() - start : -1;
            // Joining is over (every member sent its first status): the window is the members' wait.
            lan.runFor(SETTLE.toNanos());
            counting[0] = true;
            counting[1] = false;
            long windowStart = lan.nowNs();
            lan.runFor(WINDOW.toNanos());
            long window = lan.nowNs() - windowStart;
            counting[0] = false;
            boolean complete = lan.runUntil(allComplete(lan, nodes, "scale"),
                    START_DELAY.toSeconds() * SECOND + 120 * SECOND);
            long completeNs = complete ? lan.nowNs() - start : -1;
            int verified = 0;
            for (SimNode node : nodes) {
                if (node.port("scale").published() != null) {
                    verified++;
                }
            }
            int reps = (int) nodes.stream().filter(n -> n.agent("scale").role() == Role.REPRESENTATIVE).count();
            return new Result(agents, reps, convergedNs, origin.downloads(), origin.bytesServed(), completeNs, verified,
                    counted, window, (System.nanoTime() - wallStart) / 1_000_000, joinSeconds);
        } finally {
            lan.close();
        }
    }

    /**
     * A condition over every node, checked once per millisecond of virtual time rather than after
     * every step: checking a thousand nodes after each of millions of steps cost more than the run.
     * Times are therefore exact to the millisecond.
     */
    static java.util.function.BooleanSupplier sampled(SimulatedLan lan, java.util.function.BooleanSupplier condition) {
        long[] nextCheckNs = {Long.MIN_VALUE};
        return () -> {
            long now = lan.nowNs();
            if (nextCheckNs[0] != Long.MIN_VALUE && now - nextCheckNs[0] < 0) {
                return false;
            }
            nextCheckNs[0] = now + 1_000_000;
            return condition.getAsBoolean();
        };
    }

    /** @return a sampled condition: every node runs the task and its agent is COMPLETE */
    static java.util.function.BooleanSupplier allComplete(SimulatedLan lan, List<SimNode> nodes, String taskId) {
        return sampled(lan, () -> nodes.stream()
                .allMatch(n -> n.agent(taskId) != null && n.agent(taskId).state() == AgentState.COMPLETE));
    }

    private static boolean started(List<SimNode> nodes) {
        return nodes.stream().allMatch(n -> n.agent("scale") != null);
    }

    private static boolean converged(List<SimNode> nodes) {
        SimNode leader = null;
        for (SimNode node : nodes) {
            if (node.agent("scale").role() == Role.REPRESENTATIVE) {
                if (leader != null) {
                    return false;
                }
                leader = node;
            }
        }
        if (leader == null) {
            return false;
        }
        long session = leader.agent("scale").sessionId();
        for (SimNode node : nodes) {
            SessionAgent agent = node.agent("scale");
            if (agent.sessionId() != session || agent.leaderNodeId() != leader.nodeId()) {
                return false;
            }
        }
        return true;
    }
}
