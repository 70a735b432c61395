package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.delta.BasisScanner;
import io.subnetcast.core.delta.UnitIndex;
import io.subnetcast.core.session.BasisScan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts what basis files hold of a package into its cache entry: scans each file in turn with one
 * {@link BasisScanner}, writes every unit found at its place (never into a block the entry already
 * verified), then commits each block the units cover whole, which checks it against the trusted
 * manifest's SHA-256. Units of a block that fails that check are forgotten, so nothing a basis
 * held counts unless the block hash or, in a partly held block, the unit's strong hash vouched
 * for it; a partly held block is checked whole when the rest arrives. Runs on a worker thread;
 * the entry's writes are positional and thread-safe.
 */
public final class BasisSeeder {
    private static final Logger LOG = LoggerFactory.getLogger(BasisSeeder.class);
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(UnitIndex.MAX_UNIT_SIZE).asReadOnlyBuffer();

    private BasisSeeder() {
    }

    /**
     * @param units the trusted manifest's delta units
     * @param store the task's cache entry, with the manifest applied
     * @param files the basis files, in the order given
     * @return what was found; a file that cannot be read is skipped and named in the failure
     */
    public static BasisScan seed(UnitIndex units, BlockFile store, List<Path> files) {
        BlockLayout layout = store.layout();
        if (units.length() != layout.length() || layout.blockSize() % units.unitSize() != 0) {
            return BasisScan.nothing("the manifest's delta units do not fit the cache entry's " + layout);
        }
        long started = System.nanoTime();
        BasisScanner scanner = new BasisScanner(units);
        long scanned = 0;
        StringBuilder failures = new StringBuilder();
        long[] zerosEnd = {0};
        RunWriter writer = new RunWriter(store);
        for (Path file : files) {
            try {
                scanned += scanner.scan(file, (unit, bytes) -> {
                    long offset = units.offsetOf(unit);
                    if (store.hasBlock(layout.indexOf(offset))) {
                        return;
                    }
                    // A unit of zeros is not written: the entry's content file is sparse and reads zeros
                    // where nothing was written, so it stays sparse (a disk image's empty space costs no
                    // disk). Where an earlier session left other bytes, the block's check catches it.
                    if (bytes.mismatch(ZEROS.duplicate().limit(bytes.remaining())) >= 0) {
                        writer.add(offset, bytes);
                    } else {
                        zerosEnd[0] = Math.max(zerosEnd[0], offset + bytes.remaining());
                    }
                }).bytesRead();
                writer.flush();
            } catch (IOException | RuntimeException e) {
                writer.flushAfterFailure();
                LOG.warn("task {}: basis file {} skipped: {}", store.taskId(), file, e.getMessage());
                failures.append(failures.length() == 0 ? "" : "; ").append(file).append(": ").append(e.getMessage());
            }
        }
        if (zerosEnd[0] > 0 && !store.hasBlock(layout.indexOf(zerosEnd[0] - 1))) {
            try {
                // Holes read as zeros only before the file's end: its last zero byte found is written.
                store.write(zerosEnd[0] - 1, ByteBuffer.allocate(1));
            } catch (IOException e) {
                LOG.warn("task {}: cannot extend the cache entry: {}", store.taskId(), e.getMessage());
            }
        }
        long scannedAt = System.nanoTime();
        BitSet found = new BitSet(units.unitCount());
        for (int unit = 0; unit < units.unitCount(); unit++) {
            if (scanner.isFound(unit)) {
                found.set(unit);
            }
        }
        int unitsPerBlock = layout.blockSize() / units.unitSize();
        long bytes = 0;
        for (int block = 0; block < layout.blockCount(); block++) {
            int first = block * unitsPerBlock;
            int end = Math.min(first + unitsPerBlock, units.unitCount());
            if (store.hasBlock(block)) {
                found.clear(first, end); // verified before: the basis added nothing here
                continue;
            }
            if (found.nextClearBit(first) >= end && !commit(store, block)) {
                found.clear(first, end);
            }
            for (int unit = found.nextSetBit(first); unit >= 0 && unit < end; unit = found.nextSetBit(unit + 1)) {
                bytes += units.lengthOf(unit);
            }
        }
        if (!found.isEmpty()) {
            // Peers may read these before their blocks are complete: a representative that lacks
            // the older version takes them from here instead of from the origin.
            try {
                store.vouch(new VouchedUnits(units.unitSize(), layout.length(), found));
            } catch (IOException e) {
                LOG.warn("task {}: peers cannot be told which parts the basis held: {}", store.taskId(), e.getMessage());
            }
        }
        LOG.debug("task {}: basis scanned and written in {} ms, whole blocks checked in {} ms", store.taskId(),
                (scannedAt - started) / 1_000_000, (System.nanoTime() - scannedAt) / 1_000_000);
        return new BasisScan(units.unitSize(), found, bytes, scanned, System.nanoTime() - started,
                failures.length() == 0 ? null : failures.toString());
    }

    /**
     * Gathers units found one after the other at consecutive offsets (all of a basis that holds the
     * new version in order) into one write of up to {@link #RUN_BYTES}: one positional write per
     * unit was 65,536 system calls for 256 MiB, a third of the seeding time.
     */
    private static final class RunWriter {
        private static final int RUN_BYTES = 1 << 20;
        private final BlockFile store;
        private final ByteBuffer run = ByteBuffer.allocateDirect(RUN_BYTES);
        private long runOffset = -1;

        RunWriter(BlockFile store) {
            this.store = store;
        }

        void add(long offset, ByteBuffer bytes) throws IOException {
            if (runOffset >= 0 && (offset != runOffset + run.position() || run.remaining() < bytes.remaining())) {
                flush();
            }
            if (bytes.remaining() > run.capacity()) {
                store.write(offset, bytes);
                return;
            }
            if (runOffset < 0) {
                runOffset = offset;
            }
            run.put(bytes);
        }

        void flush() throws IOException {
            if (runOffset >= 0) {
                run.flip();
                long at = runOffset;
                runOffset = -1;
                try {
                    store.write(at, run);
                } finally {
                    run.clear();
                }
            }
        }

        /**
         * The scan of a file stopped: the units gathered before were found, so they are written if
         * the entry still takes writes (if not, the blocks' checks forget them).
         */
        void flushAfterFailure() {
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                LOG.warn("task {}: units found in a basis file not written: {}", store.taskId(), e.getMessage());
            }
        }
    }

    private static boolean commit(BlockFile store, int block) {
        try {
            if (store.commitBlock(block)) {
                return true;
            }
            LOG.warn("task {}: block {} assembled from basis files failed its SHA-256; it will be fetched",
                    store.taskId(), block);
        } catch (IOException e) {
            LOG.warn("task {}: block {} from basis files not committed: {}", store.taskId(), block, e.getMessage());
        }
        return false;
    }
}
