package io.subnetcast.repair;

import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.session.GapRepairFactory;
import java.util.SplittableRandom;

/**
 * Plugs peer repair into an engine:
 * <pre>{@code
 * HttpFetcher fetcher = HttpFetcher.builder().build();
 * SubnetcastEngine engine = SubnetcastEngine.builder()
 *         .httpFetcher(fetcher)
 *         .gapRepair(PeerRepair.overHttp(fetcher, PeerRepairConfig.defaults()))
 *         ...
 * }</pre>
 */
public final class PeerRepair {
    private PeerRepair() {
    }

    /**
     * @param fetcher the HTTP client peers and the origin are fetched with
     * @param config limits
     * @return a factory for the engine
     */
    public static GapRepairFactory overHttp(HttpFetcher fetcher, PeerRepairConfig config) {
        return using(new HttpPeerTransfer(fetcher), config, new SplittableRandom().nextLong());
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
