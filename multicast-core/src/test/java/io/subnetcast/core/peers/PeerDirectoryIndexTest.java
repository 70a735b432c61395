package io.subnetcast.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The per-block index of holders that makes finding the few holders of a block cheap: whatever
 * peers advertise, complete, forget, leave or age out, holders drawn (and whether there is any)
 * agree with a walk of every peer.
 */
class PeerDirectoryIndexTest {
    private static final URI URL = URI.create("http://198.18.0.9:8080/t/");
    private static final int BLOCKS = 10;

    @Test
    void holdersAgreeWithAWalkOfEveryPeerThroughAdvertsCompletionsForgettingAndExpiry() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            PeerDirectory directory = new PeerDirectory(BLOCKS, 10_000);
            long nowNs = 1_000;
            for (int step = 0; step < 3_000; step++) {
                nowNs += 10;
                long id = 1 + random.nextInt(120);
                int op = random.nextInt(100);
                if (op < 70) {
                    // Block b is held by about (b + 1) in 12 advertising peers: from a few holders to many.
                    byte[] bits = new byte[2];
                    for (int b = 0; b < BLOCKS; b++) {
                        if (random.nextInt(12) <= b) {
                            bits[b >>> 3] |= (byte) (1 << (b & 7));
                        }
                    }
                    int first = random.nextInt(3) == 0 ? random.nextInt(BLOCKS) : 0;
                    byte[] window = first == 0 ? bits : new byte[] {bits[0]};
                    directory.update(id, random.nextInt(10) == 0 ? null : URL, random.nextInt(25) == 0, first, window,
                            nowNs - random.nextInt(200));
                } else if (op < 80) {
                    PeerDirectory.Peer peer = directory.get(id);
                    if (peer != null) {
                        peer.forget(random.nextInt(BLOCKS));
                    }
                } else if (op < 90) {
                    directory.remove(id);
                } else if (op < 92) {
                    directory.expire(nowNs - 400);
                }
                if (step % 50 == 0 || op >= 80) {
                    check(directory, nowNs - 300, random);
                }
            }
        }
    }

    private static void check(PeerDirectory directory, long sinceNs, SplittableRandom random) {
        for (int block = 0; block < BLOCKS; block++) {
            int b = block;
            Set<Long> walked = directory.peers().stream()
                    .filter(p -> p.repairUrl() != null && p.holds(b) && p.lastHeardNs() - sinceNs >= 0)
                    .map(PeerDirectory.Peer::nodeId).collect(Collectors.toCollection(TreeSet::new));
            long incomplete = directory.peers().stream().filter(p -> !p.isComplete() && p.holds(b)).count();
            assertEquals(incomplete, directory.holdingCount(block), "incomplete holders counted of block " + block);
            List<PeerDirectory.Peer> drawn = directory.holdersOf(block, sinceNs, 1_000, random);
            Set<Long> drawnIds = drawn.stream().map(PeerDirectory.Peer::nodeId).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(walked, drawnIds, "holders of block " + block);
            assertEquals(drawn.size(), drawnIds.size(), "each holder once");
            assertEquals(!walked.isEmpty(), directory.anyHolder(block, sinceNs), "any holder of block " + block);
            int limit = 1 + random.nextInt(8);
            List<PeerDirectory.Peer> few = directory.holdersOf(block, sinceNs, limit, random);
            assertEquals(Math.min(limit, walked.size()), few.size(), "as many as asked for, of block " + block);
            for (PeerDirectory.Peer peer : few) {
                assertEquals(true, walked.contains(peer.nodeId()));
            }
        }
    }
}
