package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.clock.NanoClock;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.fetch.PackageDownloader;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.transport.MulticastTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * What every task of an engine uses: the settings and node id, the clock, the sockets, the block
 * cache and block server, the HTTP fetcher, the verifier thread, and the way back onto the engine
 * thread. The engine builds it once; a task's port and handle reach the engine through it alone.
 *
 * @param config protocol settings
 * @param nodeId the engine's node id
 * @param clock the monotonic clock
 * @param transport the multicast sockets
 * @param controlGroup where control messages go
 * @param cache the block cache
 * @param blockServer serves verified blocks to peers; null when the engine runs none
 * @param fetcher the HTTP client for the origin and for peers
 * @param downloader downloads packages from the origin through {@code fetcher}
 * @param verifier the thread that verifies and places whole packages
 * @param repairFactory completes gaps after the multicast; null for retransmission only
 * @param engineThread runs an event on the engine thread, after which the agents act on what it
 *     changed; events posted once the engine is closed are dropped
 */
record EngineResources(SessionConfig config, long nodeId, NanoClock clock, MulticastTransport transport,
                       InetSocketAddress controlGroup, BlockCache cache, BlockServer blockServer, HttpFetcher fetcher,
                       PackageDownloader downloader, ExecutorService verifier, GapRepairFactory repairFactory,
                       Executor engineThread) {
    /** @param event what to run on the engine thread (see {@code engineThread}) */
    void post(Runnable event) {
        engineThread.execute(event);
    }

    /** @return the clock's time now */
    long nowNs() {
        return clock.nanoTime();
    }
}
