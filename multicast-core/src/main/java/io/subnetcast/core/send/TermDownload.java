package io.subnetcast.core.send;

import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.repair.RepairPlanner;

/**
 * A representative's origin download: when it starts, and which missing blocks it leaves to repair
 * (those a peer holds whole or in part, and those this agent holds in part, so that only their
 * gaps come from the origin). While members still scan older versions of the package the start
 * waits for their adverts, at most until the start delay ends: what they hold, the origin need not
 * serve, and the pass waits for them anyway.
 */
final class TermDownload {
    private final RepresentativeHost host;
    private final RepairPlanner planner;
    private final PeerAwarePassPolicy policy;
    private boolean deferred;

    TermDownload(RepresentativeHost host, RepairPlanner planner, PeerAwarePassPolicy policy) {
        this.host = host;
        this.planner = planner;
        this.policy = policy;
    }

    /**
     * Starts the download, or waits for members' adverts.
     *
     * @param wait whether members still scan and the start delay is not over
     * @param nowNs current time
     */
    void startOrDefer(boolean wait, long nowNs) {
        deferred = wait;
        if (wait) {
            return;
        }
        BlockBitmap forRepair = policy.splitForRepair(host.store(), nowNs);
        host.fetchMissing(forRepair == null ? block -> true : block -> !forRepair.get(block));
        if (forRepair != null) {
            planner.startBesideDownload(nowNs);
        }
    }

    /** @return whether the start waits for members that scan */
    boolean isDeferred() {
        return deferred;
    }

    /** The cache entry was replaced: the split belonged to the old one. */
    void forget() {
        deferred = false;
        policy.forgetSplit();
    }
}
