package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.receive.ChunkTracker;
import java.io.IOException;
import java.util.BitSet;

/**
 * The delta units of the package that this agent's basis files held, already written into its
 * cache entry. Blocks they cover whole were committed by the scan; the rest of what they cover is
 * told to every {@link ChunkTracker} the agent makes, as the chunks they cover whole, so that the
 * multicast, repair and the origin download fill only the gaps. Chunks are the session's unit
 * (sized by the representative's MTU), units the manifest's: a chunk counts only when every unit
 * it touches was found.
 */
final class BasisHoldings {
    private final BitSet units;
    private final int unitSize;
    private final long bytes;

    BasisHoldings(BasisScan scan) {
        this.units = scan.units();
        this.unitSize = scan.unitSize();
        this.bytes = scan.bytesFound();
    }

    /** @return package bytes found in the basis files */
    long bytes() {
        return bytes;
    }

    /**
     * Records in {@code tracker} every chunk of a block the store lacks that the basis covers whole.
     *
     * @return chunks recorded
     * @throws IOException if a block the basis made whole cannot be committed
     */
    int seed(ChunkTracker tracker, BlockFile store) throws IOException {
        BlockLayout layout = store.layout();
        int chunk = tracker.chunkSize();
        int recorded = 0;
        for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
            long start = layout.offsetOf(block);
            long end = start + layout.lengthOf(block);
            int firstUnit = (int) (start / unitSize);
            int found = units.nextSetBit(firstUnit);
            if (found < 0) {
                break;
            }
            if ((long) found * unitSize >= end) {
                continue; // nothing of this block was found
            }
            for (long at = start; at < end; at += chunk) {
                if (covered(at, Math.min(at + chunk, end))) {
                    recorded++;
                    if (tracker.record(block, (int) (at - start))) {
                        // Whole only if the scan could not commit it: committing checks it again.
                        store.commitBlock(block);
                    }
                }
            }
        }
        return recorded;
    }

    /**
     * @param block a block of {@code layout}
     * @return whether the basis held more than half of the block's bytes
     */
    boolean holdsMostOf(int block, BlockLayout layout) {
        long start = layout.offsetOf(block);
        long end = start + layout.lengthOf(block);
        int first = (int) (start / unitSize);
        int last = (int) ((end - 1) / unitSize);
        long held = 0;
        for (int unit = units.nextSetBit(first); unit >= 0 && unit <= last; unit = units.nextSetBit(unit + 1)) {
            held += Math.min(end, (unit + 1L) * unitSize) - Math.max(start, (long) unit * unitSize);
        }
        return 2 * held > end - start;
    }

    private boolean covered(long start, long endExclusive) {
        int first = (int) (start / unitSize);
        int last = (int) ((endExclusive - 1) / unitSize);
        int clear = units.nextClearBit(first);
        return clear > last;
    }
}
