package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.repair.RepairContext;
import io.subnetcast.core.session.TaskSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer is asked for a block while its last advert is recent for its session: in a session of a
 * thousand agents adverts come 10 to 30 s apart, and a fixed 10 s freshness left a member with
 * hardly any holder it trusted.
 */
class PeerFreshnessTest {
    private static final long SECOND = 1_000_000_000L;
    private static final URI PEER = URI.create("http://198.18.0.7:8080/t/");

    @TempDir
    Path dir;

    private List<URI> asked(long advertGapNs) throws Exception {
        BlockCache cache = BlockCache.open(dir.resolve("gap" + advertGapNs));
        BlockFile store = cache.open("t", 2048, 1024, "id");
        store.expectBlockHash(0, new byte[32]);
        store.expectBlockHash(1, new byte[32]);
        ChunkTracker tracker = new ChunkTracker(store.layout(), 512);
        PeerDirectory peers = new PeerDirectory(2, 100);
        peers.update(7, PEER, true, 0, new byte[0], 0); // complete, heard at 0
        List<URI> asked = new ArrayList<>();
        RepairContext context = new RepairContext() {
            @Override
            public TaskSpec task() {
                return new TaskSpec("t", URI.create("http://origin.test/t"), new byte[32], 0);
            }

            @Override
            public BlockFile store() {
                return store;
            }

            @Override
            public ChunkTracker tracker() {
                return tracker;
            }

            @Override
            public PeerDirectory peers() {
                return peers;
            }

            @Override
            public long selfNodeId() {
                return 1;
            }

            @Override
            public URI representativeUrl() {
                return null;
            }

            @Override
            public boolean originAllowed(int block, long nowNs) {
                return false;
            }

            @Override
            public long advertGapNs(long nowNs) {
                return advertGapNs;
            }
        };
        PeerTransfer transfer = new PeerTransfer() {
            @Override
            public Cancel fetch(URI source, long offset, int length, BlockFile into, Completion completion) {
                asked.add(source);
                return () -> { };
            }

            @Override
            public Cancel fetchManifest(URI source, int blockCount, ManifestCompletion completion) {
                return () -> { };
            }

            @Override
            public Cancel fetchUnitsHeld(URI source, BlockLayout layout, UnitsHeldCompletion completion) {
                return () -> { };
            }
        };
        PeerRepairer repairer = new PeerRepairer(context, transfer, PeerRepairConfig.defaults(), new SplittableRandom(1));
        repairer.start(20 * SECOND); // the peer's advert is 20 s old
        repairer.stop();
        store.close();
        return asked;
    }

    @Test
    void aPeerHeardWithinItsSessionsAdvertGapIsAsked() throws Exception {
        assertEquals(0, asked(0).size(), "older than the configured 10 s, in a session that says nothing longer");
        assertEquals(2, asked(40 * SECOND).size(), "both blocks from the peer heard 20 s ago, adverts 40 s apart");
    }
}
