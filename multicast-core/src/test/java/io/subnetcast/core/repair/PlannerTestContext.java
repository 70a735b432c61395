package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.session.TaskSpec;
import java.net.URI;
import java.util.function.Supplier;

/** What a planner test's gap repair may see: the test's store, tracker and directory, read when asked. */
final class PlannerTestContext implements RepairContext {
    private final Supplier<BlockFile> store;
    private final Supplier<ChunkTracker> tracker;
    private final Supplier<PeerDirectory> peers;
    private final long self;
    private final long representative;

    /**
     * @param store the test's cache entry
     * @param tracker its chunks
     * @param peers its directory, which a test may replace or clear
     * @param self this agent's node id
     * @param representative the representative's node id, 0 for none
     */
    PlannerTestContext(Supplier<BlockFile> store, Supplier<ChunkTracker> tracker, Supplier<PeerDirectory> peers,
                       long self, long representative) {
        this.store = store;
        this.tracker = tracker;
        this.peers = peers;
        this.self = self;
        this.representative = representative;
    }

    @Override
    public TaskSpec task() {
        return new TaskSpec("t", URI.create("http://origin.test/t"), null, 0);
    }

    @Override
    public BlockFile store() {
        return store.get();
    }

    @Override
    public ChunkTracker tracker() {
        return tracker.get();
    }

    @Override
    public PeerDirectory peers() {
        return peers.get();
    }

    @Override
    public long selfNodeId() {
        return self;
    }

    @Override
    public URI representativeUrl() {
        return null;
    }

    @Override
    public long representativeNodeId() {
        return representative;
    }
}
