package io.subnetcast.repair;

import java.time.Duration;

/**
 * Bounds of peer repair. Every limit has a default suited to a LAN of up to a few hundred agents.
 *
 * @param maxConcurrentBlocks blocks being repaired at once (default 8)
 * @param maxPerPeer requests to one peer at once (default 2)
 * @param requestTimeout a block's transfer must end within this, or its source gets a strike (default 10 s)
 * @param maxStrikes strikes (stalls, failures) after which a peer is dropped for the session; a peer whose
 *     bytes fail verification is dropped at once (default 2)
 * @param peerFreshness peers not heard from for this long are not asked (default 10 s)
 * @param useOrigin whether a block no reachable peer holds is fetched from the origin (default true)
 */
public record PeerRepairConfig(int maxConcurrentBlocks, int maxPerPeer, Duration requestTimeout, int maxStrikes,
                               Duration peerFreshness, boolean useOrigin) {
    /** Checks the bounds. */
    public PeerRepairConfig {
        if (maxConcurrentBlocks < 1 || maxPerPeer < 1 || maxStrikes < 1) {
            throw new IllegalArgumentException("peer repair limits must be positive: blocks " + maxConcurrentBlocks
                    + ", per peer " + maxPerPeer + ", strikes " + maxStrikes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || peerFreshness.isNegative() || peerFreshness.isZero()) {
            throw new IllegalArgumentException("peer repair timeouts must be positive");
        }
    }

    /** @return the defaults */
    public static PeerRepairConfig defaults() {
        return new PeerRepairConfig(8, 2, Duration.ofSeconds(10), 2, Duration.ofSeconds(10), true);
    }
}
