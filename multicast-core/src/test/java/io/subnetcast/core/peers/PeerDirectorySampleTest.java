package io.subnetcast.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sampled holders: a block start looks at a few holders drawn from a random place, every holder
 * when there are few, never a peer that is gone.
 */
class PeerDirectorySampleTest {
    private static final URI URL = URI.create("http://198.18.0.9:8080/t/");

    /** Peers 1..n; the even ones hold block 0, every one holds most of block 1. */
    private static PeerDirectory directory(int n) {
        PeerDirectory directory = new PeerDirectory(4, 10_000);
        for (long id = 1; id <= n; id++) {
            byte held = (byte) (id % 2 == 0 ? 0b0001 : 0);
            assertTrue(directory.update(id, URL, false, 0, new byte[] {held}, new byte[] {0b0010}, false, 100));
        }
        return directory;
    }

    @Test
    void aFewHoldersAreAllReturnedAndManyAreSampled() {
        SplittableRandom random = new SplittableRandom(3);
        PeerDirectory small = directory(10);
        assertEquals(5, small.holdersOf(0, 0, 16, random).size(), "every holder of a small subnet");
        assertEquals(10, small.partHoldersOf(1, 0, 16, random).size());
        PeerDirectory large = directory(1000);
        Set<Long> seen = new HashSet<>();
        for (int draw = 0; draw < 50; draw++) {
            List<PeerDirectory.Peer> holders = large.holdersOf(0, 0, 16, random);
            assertEquals(16, holders.size());
            Set<Long> distinct = new HashSet<>();
            for (PeerDirectory.Peer peer : holders) {
                assertTrue(peer.holds(0));
                assertTrue(distinct.add(peer.nodeId()), "a peer once per draw");
                seen.add(peer.nodeId());
            }
        }
        assertTrue(seen.size() > 200, "draws start at random places: " + seen.size() + " of 500 holders seen");
        assertTrue(large.anyHolder(0, 0));
        assertFalse(large.anyHolder(2, 0));
        assertTrue(large.anyPartHolder(1, 0));
        assertFalse(large.anyPartHolder(0, 0), "holders of block 0 hold it whole, the rest lack most of it");
        assertFalse(large.holdersOf(0, 101, 16, random).iterator().hasNext(), "none heard since");
    }

    @Test
    void removedAndExpiredPeersAreNeverDrawn() {
        SplittableRandom random = new SplittableRandom(5);
        PeerDirectory directory = directory(40);
        for (long id = 2; id <= 40; id += 4) {
            assertTrue(directory.remove(id));
        }
        assertTrue(directory.update(100, URL, true, 0, new byte[0], 200));
        directory.expire(150); // every peer but 100
        for (int draw = 0; draw < 20; draw++) {
            List<PeerDirectory.Peer> holders = directory.holdersOf(0, 0, 16, random);
            assertEquals(List.of(100L), holders.stream().map(PeerDirectory.Peer::nodeId).toList());
        }
        assertEquals(1, directory.peers().size());
        assertTrue(directory.update(7, URL, false, 0, new byte[] {1}, 300));
        assertEquals(2, directory.holdersOf(0, 0, 16, random).size(), "a peer added after removals is drawn too");
    }
}
