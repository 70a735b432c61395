package io.subnetcast.repair;

import io.subnetcast.core.repair.GapRepairFactory;
import java.util.SplittableRandom;

/**
 * Plugs peer repair into an engine:
 * <pre>{@code
 * SubnetcastEngine engine = SubnetcastEngine.builder()
 *         .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
 *         ...
 * }</pre>
 * Requests to peers and to the origin go through the transfer the agent's port offers: the
 * engine's HTTP client, with the task's peer token when the task has a key.
 */
public final class PeerRepair {
    private PeerRepair() {
    }

    /**
     * @param config limits
     * @return a factory for the engine; it moves bytes with the engine's HTTP transfer
     */
    public static GapRepairFactory overHttp(PeerRepairConfig config) {
        return seeded(config, new SplittableRandom().nextLong());
    }

    /**
     * @param config limits
     * @param seed seed of the tie-breaks between equally loaded holders, so that a simulation replays
     * @return a factory that moves bytes with whatever transfer the agent's port offers
     */
    public static GapRepairFactory seeded(PeerRepairConfig config, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        return (context, transfer) -> {
            if (transfer == null) {
                throw new IllegalStateException("peer repair needs a transfer, and task " + context.task().taskId()
                        + "'s port offers none");
            }
            return new PeerRepairer(context, transfer, config, seeds.split());
        };
    }
}
