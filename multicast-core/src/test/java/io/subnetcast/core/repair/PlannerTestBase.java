package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.wire.proto.Nak;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@link RepairPlanner} tests share: a cache entry of ten 4 KiB blocks with its chunk
 * tracker, a planner with a gap repair that counts its starts and does nothing, its NAKs recorded,
 * and a NAK interval of 500 ms and a repair delay of 1 s on a virtual clock.
 */
abstract class PlannerTestBase {
    static final long MS = 1_000_000L;
    static final int BLOCK = 4096;
    static final int CHUNK = 1024;
    static final int BLOCKS = 10;

    private final long self;
    private final long representative;
    @TempDir
    Path dir;
    BlockFile store;
    ChunkTracker tracker;
    /** What the planner's context offers as the directory; null unless a test sets one. */
    PeerDirectory directory;
    RepairPlanner planner;
    final List<Nak.Builder> naks = new ArrayList<>();
    int repairsStarted;

    /**
     * @param self this agent's node id
     * @param representative the representative's node id, 0 for none
     */
    PlannerTestBase(long self, long representative) {
        this.self = self;
        this.representative = representative;
    }

    @BeforeEach
    void openPlanner() throws IOException {
        store = BlockCache.open(dir).open("t", (long) BLOCKS * BLOCK, BLOCK, "id");
        tracker = new ChunkTracker(store.layout(), CHUNK);
        RepairContext context = new PlannerTestContext(() -> store, () -> tracker, () -> directory, self,
                representative);
        GapRepairFactory factory = (ctx, transfer) -> {
            repairsStarted++;
            return new IdleGapRepair();
        };
        planner = new RepairPlanner("t", factory, context, () -> null, naks::add, new SplittableRandom(3),
                Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @AfterEach
    void closeStore() throws IOException {
        store.close();
    }

    /** Marks three of a block's four chunks as received: more than half, a gap for peers. */
    void mostOf(int block) {
        for (int offset = 0; offset < 3 * CHUNK; offset += CHUNK) {
            tracker.record(block, offset);
        }
    }
}
