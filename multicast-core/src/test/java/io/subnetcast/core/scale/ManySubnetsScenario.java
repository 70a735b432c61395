package io.subnetcast.core.scale;

import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Many subnets of a few agents each receive the same task, subnet after subnet (a fleet's agents
 * poll at different times): each subnet must elect its own representative, the origin must serve
 * the package once per subnet, and no agent may follow a representative of another subnet.
 */
final class ManySubnetsScenario {
    private static final long SECOND = 1_000_000_000L;

    /** What the run measured. */
    record Result(int subnets, int agentsPerSubnet, int subnetsWithOneRepresentative, int foreignLeaders,
                  int originDownloads, long originBytes, long packageBytes, int verified, long completeNs,
                  long delivered, long wallMs) {
        String describe() {
            return String.format("%d subnets of %d agents: %d with exactly one representative, %d agents following"
                            + " another subnet's, origin fetched %d times (%d bytes = %.2fx the package), %d of %d"
                            + " verified, all complete %.1f s virtual; %d datagrams delivered; simulated in %d ms",
                    subnets, agentsPerSubnet, subnetsWithOneRepresentative, foreignLeaders, originDownloads, originBytes,
                    originBytes / (double) packageBytes, verified, subnets * agentsPerSubnet, completeNs / 1e9, delivered,
                    wallMs);
        }
    }

    private final int subnets;
    private final int agentsPerSubnet;
    private final long seed;
    private final long packageBytes;
    private final long subnetStaggerNs;

    /**
     * @param subnetStaggerNs between the first agents of consecutive subnets (the agents of one
     *     subnet start within one second of their subnet's start)
     */
    ManySubnetsScenario(int subnets, int agentsPerSubnet, long seed, long packageBytes, long subnetStaggerNs) {
        this.subnets = subnets;
        this.agentsPerSubnet = agentsPerSubnet;
        this.seed = seed;
        this.packageBytes = packageBytes;
        this.subnetStaggerNs = subnetStaggerNs;
    }

    Result run(Path directory) {
        long wallStart = System.nanoTime();
        SimOrigin origin = new SimOrigin(packageBytes, seed, 100_000_000);
        SimulatedLan lan = new SimulatedLan(seed, directory, origin);
        try {
            lan.retireFinishedAgents(true);
            lan.faults().controlLoss = 0.01;
            lan.faults().jitterNs = 1_000_000;
            TaskSpec task = new TaskSpec("fleet", URI.create("http://origin.test/fleet"), origin.sha256(), 0);
            SessionConfig config = SessionConfig.builder().blockSize(64 * 1024).startDelay(Duration.ofSeconds(5))
                    .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(5)).build();
            List<SimNode> nodes = new ArrayList<>();
            SplittableRandom starts = new SplittableRandom(seed);
            for (int subnet = 0; subnet < subnets; subnet++) {
                for (int i = 0; i < agentsPerSubnet; i++) {
                    SimNode node = lan.addNode("s" + subnet + "n" + i, subnet);
                    nodes.add(node);
                    lan.schedule(subnet * subnetStaggerNs + starts.nextLong(OneSubnetScenario.START_SPREAD_NS),
                            () -> node.distribute(task, config));
                }
            }
            long start = lan.nowNs();
            boolean complete = lan.runUntil(OneSubnetScenario.allComplete(lan, nodes, "fleet"),
                    subnets * subnetStaggerNs + 300 * SECOND);
            long completeNs = complete ? lan.nowNs() - start : -1;
            Map<Long, Integer> subnetOf = new HashMap<>();
            for (SimNode node : nodes) {
                subnetOf.put(node.nodeId(), node.subnet());
            }
            int[] representatives = new int[subnets];
            int foreign = 0;
            int verified = 0;
            for (SimNode node : nodes) {
                SessionAgent agent = node.agent("fleet");
                if (agent.role() == Role.REPRESENTATIVE) {
                    representatives[node.subnet()]++;
                }
                Integer leaderSubnet = subnetOf.get(agent.leaderNodeId());
                if (leaderSubnet == null || leaderSubnet != node.subnet()) {
                    foreign++;
                }
                if (node.port("fleet").published() != null) {
                    verified++;
                }
            }
            int withOne = 0;
            for (int count : representatives) {
                if (count == 1) {
                    withOne++;
                }
            }
            return new Result(subnets, agentsPerSubnet, withOne, foreign, origin.downloads(), origin.bytesServed(),
                    packageBytes, verified, completeNs, lan.delivered(), (System.nanoTime() - wallStart) / 1_000_000);
        } finally {
            lan.close();
        }
    }
}
