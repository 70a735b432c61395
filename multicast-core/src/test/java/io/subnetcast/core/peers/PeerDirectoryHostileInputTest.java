package io.subnetcast.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Advertisements as a stranger on the LAN can forge them: out of range, and by the hundred thousand. */
class PeerDirectoryHostileInputTest {
    private static final URI URL = URI.create("http://198.18.0.7:8080/t/x");

    @Test
    void aFloodOfNodeIdsTakesBoundedMemoryOnAPackageOfManyBlocks() {
        int blocks = 1 << 21; // the cache's largest layout: 256 KiB of bitmap per peer
        PeerDirectory directory = new PeerDirectory(blocks, 65_536);
        byte[] bitmap = new byte[512];
        int accepted = 0;
        for (long node = 1; node <= 20_000; node++) {
            if (directory.update(node, URL, false, 0, bitmap, node)) {
                accepted++;
            }
        }
        long perPeer = blocks / 8;
        assertEquals(directory.maxPeers(), accepted);
        assertEquals(directory.maxPeers(), directory.peers().size());
        assertTrue(directory.peers().size() * perPeer <= PeerDirectory.MAX_BITMAP_BYTES,
                directory.peers().size() + " peers of " + perPeer + " bytes");
        assertEquals(256, directory.maxPeers());
    }

    @Test
    void theByteBoundLeavesOrdinaryPackagesTheirCountBound() {
        assertEquals(65_536, new PeerDirectory(4096, 65_536).maxPeers()); // 4 GiB in 1 MiB blocks
        assertEquals(52_428, new PeerDirectory(10_240, 65_536).maxPeers()); // 10 GiB: 1,280 bytes a peer
        assertEquals(8, new PeerDirectory(0, 8).maxPeers());
    }

    @Test
    void advertisementsOutOfRangeAreRefusedWhole() {
        PeerDirectory directory = new PeerDirectory(100, 8);
        assertFalse(directory.update(1, URL, false, -1, new byte[1], 0));
        assertFalse(directory.update(1, URL, false, Integer.MIN_VALUE, new byte[1], 0));
        assertFalse(directory.update(1, URL, false, 101, new byte[0], 0));
        assertFalse(directory.update(1, URL, false, Integer.MAX_VALUE, new byte[1], 0));
        assertFalse(directory.update(1, URL, false, 0, new byte[14], 0), "14 bytes describe 112 blocks");
        assertFalse(directory.update(1, URL, false, 96, new byte[2], 0));
        assertTrue(directory.peers().isEmpty(), "a refused advertisement must not create a peer");
        assertTrue(directory.update(1, URL, false, 0, new byte[13], 0));
        assertTrue(directory.update(1, URL, false, 96, new byte[] {(byte) 0xff}, 0));
        assertTrue(directory.get(1).holds(99));
        assertTrue(directory.update(1, URL, false, 100, new byte[0], 0));
    }
}
