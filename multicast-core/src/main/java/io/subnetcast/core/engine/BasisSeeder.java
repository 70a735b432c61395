package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.delta.BasisScanner;
import io.subnetcast.core.delta.TrustedBlocks;
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
 * manifest's SHA-256. A block the scanner found whole, already checked against that SHA-256 in
 * memory, is written and made present at once (no read-back; a block of zeros excepted, which goes
 * unit by unit to keep the entry sparse). Units of a block that fails that check are forgotten, so nothing a basis
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
        BasisScanner scanner = new BasisScanner(units, TrustedBlocks.of(layout.blockSize(), store::expectedBlockHash));
        long scanned = 0;
        StringBuilder failures = new StringBuilder();
        EntrySink sink = new EntrySink(store, units);
        for (Path file : files) {
            try {
                scanned += scanner.scan(file, sink).bytesRead();
                sink.writer.flush();
            } catch (IOException | RuntimeException e) {
                sink.writer.flushAfterFailure();
                LOG.warn("task {}: basis file {} skipped: {}", store.taskId(), file, e.getMessage());
                failures.append(failures.length() == 0 ? "" : "; ").append(file).append(": ").append(e.getMessage());
            }
        }
        long zerosEnd = sink.zerosEnd;
        if (zerosEnd > 0 && !store.hasBlock(layout.indexOf(zerosEnd - 1))) {
            try {
                // Holes read as zeros only before the file's end: its last zero byte found is written.
                store.write(zerosEnd - 1, ByteBuffer.allocate(1));
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
            if (!sink.committed.get(block)) {
                if (store.hasBlock(block)) {
                    found.clear(first, end); // verified before: the basis added nothing here
                    continue;
                }
                if (found.nextClearBit(first) >= end && !commit(store, block)) {
                    found.clear(first, end);
                }
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
     * Where the scanner's finds go: units into the entry (through a {@link RunWriter}), whole blocks
     * checked against the manifest straight into it as present.
     */
    private static final class EntrySink implements BasisScanner.UnitSink {
        final RunWriter writer;
        /** Blocks the scan wrote whole and made present. */
        final BitSet committed;
        /** End of the last unit of zeros found (not written: the entry reads zeros there). */
        long zerosEnd;
        private final BlockFile store;
        private final BlockLayout layout;
        private final UnitIndex units;

        EntrySink(BlockFile store, UnitIndex units) {
            this.store = store;
            this.layout = store.layout();
            this.units = units;
            this.writer = new RunWriter(store);
            this.committed = new BitSet(layout.blockCount());
        }

        @Override
        public void found(int unit, ByteBuffer bytes) throws IOException {
            long offset = units.offsetOf(unit);
            if (store.hasBlock(layout.indexOf(offset))) {
                return;
            }
            // A unit of zeros is not written: the entry's content file is sparse and reads zeros
            // where nothing was written, so it stays sparse (a disk image's empty space costs no
            // disk). Where an earlier session left other bytes, the block's check catches it.
            if (!isZeros(bytes)) {
                writer.add(offset, bytes);
            } else {
                zerosEnd = Math.max(zerosEnd, offset + bytes.remaining());
            }
        }

        @Override
        public boolean foundBlock(int block, ByteBuffer bytes, byte[] sha256) throws IOException {
            if (store.hasBlock(block)) {
                return true; // verified before: nothing to write
            }
            // A block of zeros goes unit by unit, which leaves its holes unwritten (see found).
            if (isZeros(bytes) || !store.writeVerifiedBlock(block, bytes, sha256)) {
                return false;
            }
            committed.set(block);
            return true;
        }

        private static boolean isZeros(ByteBuffer bytes) {
            ByteBuffer rest = bytes.duplicate();
            while (rest.hasRemaining()) {
                int take = Math.min(rest.remaining(), ZEROS.capacity());
                if (rest.slice().limit(take).mismatch(ZEROS.duplicate().limit(take)) >= 0) {
                    return false;
                }
                rest.position(rest.position() + take);
            }
            return true;
        }
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
