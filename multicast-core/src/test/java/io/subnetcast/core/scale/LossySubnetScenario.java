package io.subnetcast.core.scale;

import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.ParityRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/**
 * N agents on one subnet receive a package while every receiver loses a share of the data
 * datagrams at random: the run measures how repair scales, that is how many NAKs each block that
 * someone missed costs (NORM's suppression promises about one), how many bytes the repair sends
 * against the bytes lost, and how many statuses and NAKs the representative decodes per second.
 */
public final class LossySubnetScenario {
    private static final long SECOND = 1_000_000_000L;

    /**
     * What the run measured.
     *
     * @param retransmittedBytes payload bytes the representative multicast again
     * @param peerRepairBytes bytes agents served each other over (simulated) HTTP
     */
    public record Result(int agents, int representatives, int verified, long packageBytes, long lostDataBytes,
                  long retransmittedBytes, long peerRepairBytes, long naks, long nakBlockMentions, int blocksNaked, long statusesAndNaks,
                  long passToDoneNs, long completeNs, long wallMs, int busiestSecond, int busiestAdvertSecond) {
        /** @return NAK datagrams per block someone asked for */
        public double naksPerMissingBlock() {
            return blocksNaked == 0 ? 0 : naks / (double) blocksNaked;
        }

        /** @return how many NAKs named each block someone asked for, on average */
        public double mentionsPerMissingBlock() {
            return blocksNaked == 0 ? 0 : nakBlockMentions / (double) blocksNaked;
        }

        /** @return repair bytes (multicast again and served by peers) per byte lost at the receivers (summed over them) */
        public double repairPerLostByte() {
            return lostDataBytes == 0 ? 0 : (retransmittedBytes + peerRepairBytes) / (double) lostDataBytes;
        }

        /** @return statuses and NAKs the representative decoded per second, from the pass to the last copy */
        public double statusesAndNaksPerSecond() {
            return statusesAndNaks / Math.max(1e-9, passToDoneNs / 1e9);
        }

        /** @return one line with every figure */
        public String describe() {
            return String.format("%d agents, %d bytes, data loss at every receiver: %d representative(s), %d verified,"
                            + " all complete %.2f s; lost %d bytes (summed over receivers), retransmitted %d, peers"
                            + " served %d (%.2fx the lost bytes);"
                            + " %d NAKs named %d blocks (%.2f NAKs and %.2f mentions per block); the representative"
                            + " decoded %.1f statuses and NAKs/s from the pass to the last copy, %d in its busiest second"
                            + " (to the members' last reports); %d adverts in the busiest second; simulated in %d ms",
                    agents, packageBytes, representatives, verified, completeNs / 1e9, lostDataBytes, retransmittedBytes,
                    peerRepairBytes, repairPerLostByte(), naks, blocksNaked, naksPerMissingBlock(), mentionsPerMissingBlock(),
                    statusesAndNaksPerSecond(), busiestSecond, busiestAdvertSecond, wallMs);
        }
    }

    private final int agents;
    private final long seed;
    private final double dataLoss;
    private final long packageBytes;
    private final Function<SimulatedLan, GapRepairFactory> repair;
    private final java.util.function.UnaryOperator<SessionConfig.Builder> tune;

    /**
     * @param repair installs a gap repair on the LAN and gives its factory (peer repair, as the
     *     product runs), or gives null for retransmission only
     */
    public LossySubnetScenario(int agents, long seed, double dataLoss, long packageBytes,
                               Function<SimulatedLan, GapRepairFactory> repair) {
        this(agents, seed, dataLoss, packageBytes, repair, java.util.function.UnaryOperator.identity());
    }

    /**
     * @param repair as above
     * @param tune changes the session settings every agent uses
     */
    public LossySubnetScenario(int agents, long seed, double dataLoss, long packageBytes,
                               Function<SimulatedLan, GapRepairFactory> repair,
                               java.util.function.UnaryOperator<SessionConfig.Builder> tune) {
        this.tune = tune;
        this.agents = agents;
        this.seed = seed;
        this.dataLoss = dataLoss;
        this.packageBytes = packageBytes;
        this.repair = repair;
    }

    /** @return what the run measured, every agent's cache under {@code directory} */
    public Result run(Path directory) {
        long wallStart = System.nanoTime();
        SimOrigin origin = new SimOrigin(packageBytes, seed, 100_000_000);
        SimulatedLan lan = new SimulatedLan(seed, directory, origin);
        try {
            lan.faults().dataLoss = dataLoss;
            lan.faults().jitterNs = 1_000_000;
            TaskSpec task = new TaskSpec("lossy", URI.create("http://origin.test/lossy"), origin.sha256(), 0);
            SessionConfig config = tune.apply(SessionConfig.builder().startDelay(Duration.ofSeconds(5))
                    .rateBitsPerSecond(500_000_000L).linger(Duration.ofSeconds(5))).build();
            GapRepairFactory factory = repair.apply(lan);
            List<SimNode> nodes = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                SimNode node = lan.addNode("n" + i, 0);
                node.setRepairFactory(factory);
                nodes.add(node);
            }
            java.util.SplittableRandom starts = new java.util.SplittableRandom(seed);
            for (SimNode node : nodes) {
                lan.schedule(starts.nextLong(OneSubnetScenario.START_SPREAD_NS), () -> node.distribute(task, config));
            }
            long[] naks = {0, 0, 0};
            long[] passStartNs = {-1};
            boolean[] lastCopyAt = {false};
            java.util.Map<Long, Integer> perSecond = new java.util.HashMap<>();
            java.util.Map<Long, Integer> advertsPerSecond = new java.util.HashMap<>();
            BitSet blocksNaked = new BitSet();
            lan.tap((group, datagram) -> {
                if (!group.equals(SimNode.CONTROL_GROUP)) {
                    if (passStartNs[0] < 0) {
                        passStartNs[0] = lan.nowNs();
                    }
                    return;
                }
                Control message = ControlCodec.decode(datagram);
                if (message.getBodyCase() == Control.BodyCase.HAVE) {
                    advertsPerSecond.merge(lan.nowNs() / SECOND, 1, Integer::sum);
                }
                if (message.getBodyCase() == Control.BodyCase.NAK) {
                    naks[0]++;
                    BitSet named = new BitSet();
                    for (ChunkRange range : message.getNak().getRangesList()) {
                        named.set(range.getBlock());
                    }
                    for (ParityRequest request : message.getNak().getParityList()) {
                        named.set(request.getBlock());
                    }
                    naks[1] += named.cardinality();
                    blocksNaked.or(named);
                }
                if (passStartNs[0] >= 0 && (message.getBodyCase() == Control.BodyCase.NAK
                        || message.getBodyCase() == Control.BodyCase.STATUS)) {
                    if (!lastCopyAt[0]) {
                        naks[2]++;
                    }
                    perSecond.merge((lan.nowNs() - passStartNs[0]) / SECOND, 1, Integer::sum);
                }
            });
            long start = lan.nowNs();
            boolean complete = lan.runUntil(OneSubnetScenario.allComplete(lan, nodes, "lossy"), 600 * SECOND);
            long completeNs = complete ? lan.nowNs() - start : -1;
            long passToDoneNs = passStartNs[0] < 0 ? 0 : lan.nowNs() - passStartNs[0];
            int verified = 0;
            long retransmitted = 0;
            long peerServed = 0;
            int reps = 0;
            for (SimNode node : nodes) {
                if (node.port("lossy").published() != null) {
                    verified++;
                }
                if (node.agent("lossy").role() == Role.REPRESENTATIVE) {
                    reps++;
                }
                retransmitted += node.port("lossy").retransmittedBytes();
                peerServed += node.repairBytesServed();
            }
            // Members of a large session report their copies within a status interval of them: the
            // busiest second counts those reports too.
            lastCopyAt[0] = true;
            long statusIntervalNs = Math.max(config.statusInterval().toNanos(),
                    (long) agents * SECOND / Math.max(1, config.statusesPerSecond()));
            lan.runUntil(() -> false, Math.max(config.linger().toNanos(), statusIntervalNs) + SECOND);
            return new Result(agents, reps, verified, packageBytes, lan.lostDataBytes(), retransmitted, peerServed, naks[0], naks[1],
                    blocksNaked.cardinality(), naks[2], passToDoneNs, completeNs,
                    (System.nanoTime() - wallStart) / 1_000_000,
                    perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                    advertsPerSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        } finally {
            lan.close();
        }
    }
}
