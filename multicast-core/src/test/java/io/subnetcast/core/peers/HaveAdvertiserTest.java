package io.subnetcast.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.wire.proto.Have;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Advertisements walk the block bitmap window by window, and what they say is read back exactly. */
class HaveAdvertiserTest {
    private static final int BLOCK = 1024;

    @TempDir
    Path dir;

    private static void commit(BlockFile store, int block) throws IOException {
        store.write(store.layout().offsetOf(block), ByteBuffer.wrap(new byte[store.layout().lengthOf(block)]));
        assertTrue(store.commitBlock(block), "test setup: block " + block + " committed");
    }

    @Test
    void aLargePackageIsAdvertisedInWindowsThatWrapAround() throws IOException {
        int blocks = HaveAdvertiser.MAX_HAVE_BYTES * 8 * 2 + 100; // two full windows and a short one
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile store = cache.open("t", (long) blocks * BLOCK, BLOCK, "id")) {
            int[] held = {0, 5, HaveAdvertiser.MAX_HAVE_BYTES * 8 + 1, blocks - 1};
            for (int block : held) {
                commit(store, block);
            }
            HaveAdvertiser advertiser = new HaveAdvertiser();
            PeerDirectory directory = new PeerDirectory(blocks, 16);
            int[] firsts = new int[4];
            for (int i = 0; i < 4; i++) {
                Have have = advertiser.next(store, 9, "http://198.18.0.2/t/t").build();
                assertEquals(9, have.getSessionId());
                assertEquals(blocks, have.getBlockCount());
                assertFalse(have.getComplete());
                firsts[i] = have.getFirstBlock();
                assertTrue(directory.update(7, URI.create(have.getRepairUrl()), false, have.getFirstBlock(), have.getHeld().toByteArray(), i),
                        "the directory takes what the advertiser writes");
            }
            assertEquals(0, firsts[0]);
            assertEquals(HaveAdvertiser.MAX_HAVE_BYTES * 8, firsts[1]);
            assertEquals(HaveAdvertiser.MAX_HAVE_BYTES * 8 * 2, firsts[2]);
            assertEquals(0, firsts[3], "the cursor wraps around after the last window");
            for (int block = 0; block < blocks; block++) {
                boolean expected = block == 0 || block == 5 || block == HaveAdvertiser.MAX_HAVE_BYTES * 8 + 1
                        || block == blocks - 1;
                assertEquals(expected, !directory.holdersOf(block, 0).isEmpty(), "block " + block);
            }
        }
    }

    @Test
    void aCompleteCopyIsOneShortMessage() throws IOException {
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile store = cache.open("t", 3L * BLOCK, BLOCK, "id")) {
            for (int block = 0; block < 3; block++) {
                commit(store, block);
            }
            Have have = new HaveAdvertiser().next(store, 1, "").build();
            assertTrue(have.getComplete());
            assertTrue(have.getHeld().isEmpty());
            assertEquals(3, have.getBlockCount());
        }
    }
}
