package io.subnetcast.repair;

import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.session.GapRepairFactory;
import java.util.SplittableRandom;

/**
 * Plugs peer repair into an engine:
 * <pre>{@code
 * SubnetcastEngine engine = SubnetcastEngine.builder()
 *         .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
 *         ...
 * }</pre>
 * Requests to peers and to the origin go through the engine's own HTTP client.
 */
public final class PeerRepair {
    private PeerRepair() {
    }

    /**
     * @param config limits
     * @return a factory for the engine; it fetches with the engine's HTTP client
     */
    public static GapRepairFactory overHttp(PeerRepairConfig config) {
        SplittableRandom seeds = new SplittableRandom();
        return context -> {
            HttpFetcher fetcher = context.httpFetcher();
            if (fetcher == null) {
                throw new IllegalStateException("peer repair over HTTP needs the engine's HTTP client");
            }
            return new PeerRepairer(context, new HttpPeerTransfer(fetcher, context.sessionKey(), context.task().taskId(), context.task().origin()), config, seeds.split());
        };
    }

    /**
     * @param transfer how bytes move (a simulated transfer in tests)
     * @param config limits
     * @param seed seed of the tie-breaks between equally loaded holders
     * @return a factory
     */
    public static GapRepairFactory using(PeerTransfer transfer, PeerRepairConfig config, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        return context -> new PeerRepairer(context, transfer, config, seeds.split());
    }
}
