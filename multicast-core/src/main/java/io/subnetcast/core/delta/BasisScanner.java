package io.subnetcast.core.delta;

import io.subnetcast.core.cache.BlockHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the units of a new package version inside basis files (older versions), wherever they
 * moved to, zsync style: the weak {@link RollingChecksum} of a unit-sized window rolls over the
 * basis byte by byte; where it hits a unit's weak value the window's SHA-256 is computed, and each
 * unit whose strong hash matches too is handed to the sink. After a match the window jumps a whole
 * unit ahead, as rsync does, and is first tried as the unit that follows the one matched, by its
 * strong hash alone (zsync's "next match" guess): a basis identical to the new version costs one
 * strong hash per unit and no checksum.
 *
 * <p>Given the trusted block hashes ({@link TrustedBlocks}), a predicted unit that starts a block is
 * tried as the whole block first: one SHA-256 of the block checks all its units at once, and the
 * sink gets the block with its digest, which the cache entry takes as the block's check instead of
 * reading the block back and hashing it again. A basis that holds most blocks whole in order (any
 * older version with scattered edits) is so hashed once instead of three times (per unit, per
 * block at commit); a block with an edit costs one block hash more before its units are tried.
 *
 * <p>Units of identical content are all reported from one matching window. Several bases may be
 * scanned in turn: each unit is reported once, and a scan stops reading as soon as every unit is
 * found.
 *
 * <p>The short last unit (when the package length is not a multiple of the unit size) has a window
 * of its own length, so the rolling pass cannot see it. It is tried, cheaply, at the two places it
 * is likely to be: right after a match of the unit that precedes it (where the new version continues
 * it when the basis holds the new content followed by more), and over the basis's last bytes (a file's tail
 * usually stays its tail across versions; so a basis shorter than a unit can still give it). A short
 * last unit elsewhere is not found.
 *
 * <p>Cost on bytes that match nothing: the rolling step and a filter lookup per byte, plus a strong
 * hash per weak false positive. Those come at one window in {@code 2^32 / units}: one in 262,144
 * for 64 MiB at 4096-byte units, but one in 4096 for 4 GiB, which adds about a SHA-256 of every
 * byte scanned (1.7 GB/s here) to the rolling (about 0.3 GB/s): some 15 % slower.
 *
 * <p>Not thread-safe: one scanner, one thread.
 */
public final class BasisScanner {
    /**
     * Receives each unit found.
     */
    public interface UnitSink {
        /**
         * @param unit the unit's index
         * @param bytes exactly the unit's content, position to limit, read-only; its strong hash
         *     was checked; valid only during the call
         * @throws IOException to abort the scan (the unit then does not count as found)
         */
        void found(int unit, ByteBuffer bytes) throws IOException;

        /**
         * A whole block found at once, checked by its trusted SHA-256: the sink may take it whole.
         *
         * @param block the block's index
         * @param bytes exactly the block's content, position to limit, read-only; valid only during the call
         * @param sha256 the SHA-256 of {@code bytes}, which {@link TrustedBlocks#matches} accepted;
         *     valid only during the call
         * @return true if the sink took the block; false to be given its units one by one through
         *     {@link #found} instead (the default)
         * @throws IOException to abort the scan (the block's units then do not count as found)
         */
        default boolean foundBlock(int block, ByteBuffer bytes, byte[] sha256) throws IOException {
            return false;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BasisScanner.class);
    /** Basis read buffer: large, so refills (and their carry-over copies) are rare. */
    private static final int BUFFER_SIZE = 4 << 20;

    private final UnitIndex index;
    private final int bufferSize;
    private final int unitSize;
    private final int outFactor;
    private final int fullUnits;
    private final int shortUnit;
    private final int shortLength;
    private final WeakTable table;
    // Whole-block checks: null without trusted block hashes, or when a block would not fit the buffer.
    private final TrustedBlocks blocks;
    private final int unitsPerBlock;
    private final BitSet found;
    private final MessageDigest sha = BlockHashes.newSha256();
    private final byte[] digest = new byte[BlockHashes.SHA256_LENGTH];
    private int foundCount;
    private long foundBytes;
    // The unit after the last one matched, -1 for none: where the basis most likely continues.
    private int predicted = -1;
    // The unit a run of known content repeats (a zero unit in a disk image's empty space), or -1.
    private int knownRun = -1;
    // The unit just reported precedes the short last unit: try the short one right after it.
    private boolean shortFollows;

    /**
     * Builds the lookup table of the index's units (one pass over the index).
     *
     * @param index the new version's index, from its trusted manifest
     */
    public BasisScanner(UnitIndex index) {
        this(index, null);
    }

    /**
     * Builds the lookup table of the index's units, and checks whole blocks where the basis holds
     * them in order (see the class comment).
     *
     * @param index the new version's index, from its trusted manifest
     * @param blocks its trusted block hashes, or null to check unit by unit only
     * @throws IllegalArgumentException if the block size is not a multiple of the unit size
     */
    public BasisScanner(UnitIndex index, TrustedBlocks blocks) {
        this(index, blocks, Math.max(BUFFER_SIZE, 4 * index.unitSize()));
    }

    /**
     * @param index the index
     * @param blocks trusted block hashes, or null
     * @param bufferSize basis read buffer in bytes, at least two units (small ones let tests
     *     cross many refills); blocks over half of it are checked unit by unit
     */
    BasisScanner(UnitIndex index, TrustedBlocks blocks, int bufferSize) {
        this.index = Objects.requireNonNull(index, "index");
        this.unitSize = index.unitSize();
        if (bufferSize < 2 * unitSize) {
            throw new IllegalArgumentException("buffer of " + bufferSize + " bytes is under two units");
        }
        if (blocks != null && (blocks.blockSize() <= 0 || blocks.blockSize() % unitSize != 0)) {
            throw new IllegalArgumentException("block size " + blocks.blockSize() + " is not a multiple of the "
                    + unitSize + "-byte unit");
        }
        // A block is hashed from the buffer: one that does not fit twice over would force refills
        // too often to pay (64 MiB blocks); those are checked unit by unit.
        this.blocks = blocks != null && blocks.blockSize() <= bufferSize / 2 ? blocks : null;
        this.unitsPerBlock = this.blocks == null ? 0 : blocks.blockSize() / unitSize;
        this.bufferSize = bufferSize;
        this.outFactor = RollingChecksum.outFactor(unitSize);
        int count = index.unitCount();
        int last = count - 1;
        boolean lastIsShort = count > 0 && index.lengthOf(last) < unitSize;
        this.shortUnit = lastIsShort ? last : -1;
        this.shortLength = lastIsShort ? index.lengthOf(last) : 0;
        this.fullUnits = lastIsShort ? last : count;
        this.table = new WeakTable(index, fullUnits);
        this.found = new BitSet(count);
    }

    /**
     * Scans one basis file from start to end (or until every unit is found).
     *
     * @param basis the file
     * @param sink receives each unit found in it and not found before
     * @return what the scan did
     * @throws IOException naming the basis when it cannot be opened or read; or what the sink threw
     */
    public ScanStats scan(Path basis, UnitSink sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        long started = System.nanoTime();
        int countBefore = foundCount;
        long bytesBefore = foundBytes;
        long bytesRead;
        try (BasisBuffer in = BasisBuffer.open(basis, bufferSize)) {
            if (foundCount < index.unitCount()) {
                scan(in, sink);
            }
            bytesRead = in.bytesRead();
        }
        ScanStats stats = new ScanStats(bytesRead, foundCount - countBefore,
                foundBytes - bytesBefore, System.nanoTime() - started);
        LOG.debug("basis {}: read {} bytes, found {} units ({} bytes) in {} ms; {} of {} units found",
                basis, stats.bytesRead(), stats.unitsFound(), stats.bytesFound(),
                stats.nanos() / 1_000_000, foundCount, index.unitCount());
        return stats;
    }

    /**
     * @param unit unit index
     * @return whether a scan has found it
     */
    public boolean isFound(int unit) {
        return found.get(Objects.checkIndex(unit, index.unitCount()));
    }

    /** @return units found by all scans so far */
    public int foundCount() {
        return foundCount;
    }

    /** @return their total length in bytes */
    public long foundBytes() {
        return foundBytes;
    }

    /** @return the index scanned against */
    public UnitIndex index() {
        return index;
    }

    private void scan(BasisBuffer in, UnitSink sink) throws IOException {
        byte[] b = in.bytes();
        ByteBuffer view = ByteBuffer.wrap(b).asReadOnlyBuffer();
        int n = unitSize;
        int total = index.unitCount();
        int pos = 0;
        int h = 0;
        // A basis most likely starts where the new version does: its first block is tried whole.
        predicted = blocks != null ? 0 : -1;
        knownRun = -1;
        shortFollows = false;
        boolean hashed = false;
        boolean tryShortHere = false;
        outer:
        while (foundCount < total) {
            if (in.limit() - pos < n && !in.eof()) {
                // Keep at least the last unit's worth of bytes, for the tail check at the end.
                pos -= in.refill(Math.max(0, Math.min(pos, in.limit() - n)));
                continue;
            }
            int limit = in.limit();
            if (tryShortHere) {
                tryShortHere = false;
                if (limit - pos >= shortLength) {
                    tryShort(b, pos, view, sink);
                }
            }
            if (limit - pos < n) {
                break;
            }
            if (!hashed) {
                if (knownRun >= 0 && isKnown(knownRun, b, pos)) {
                    pos += n; // the run of known content goes on (zeros, say): no checksum needed
                    continue;
                }
                knownRun = -1;
                if (blockDue(limit - pos) && !in.eof()) {
                    pos -= in.refill(pos); // the whole predicted block into the buffer, to hash it there
                    continue;
                }
                int matched = tryPredicted(b, pos, limit, view, sink);
                if (matched > 0) {
                    pos += matched;
                    tryShortHere = takeShortFollows();
                    continue;
                }
                h = RollingChecksum.of(b, pos, n);
                hashed = true;
            }
            // The window at pos is checked, then rolled while the byte after it is in the buffer.
            int lastRoll = limit - n - 1;
            while (true) {
                long reached = table.seek(b, pos, lastRoll, h, n, outFactor);
                pos = (int) (reached >>> 32);
                h = (int) reached;
                if (table.mayContain(h) && tryFull(b, pos, h, view, sink)) {
                    pos += n;
                    hashed = false;
                    tryShortHere = takeShortFollows();
                    continue outer;
                }
                if (pos > lastRoll) {
                    break;
                }
                h = RollingChecksum.roll(h, b[pos], b[pos + n], outFactor);
                pos++;
            }
            if (in.eof()) {
                break;
            }
            pos -= in.refill(pos);
            if (in.limit() - pos <= n) {
                break;
            }
            h = RollingChecksum.roll(h, b[pos], b[pos + n], outFactor);
            pos++;
        }
        if (shortUnit >= 0 && !found.get(shortUnit) && in.limit() >= shortLength) {
            tryShort(b, in.limit() - shortLength, view, sink);
        }
    }

    private boolean tryFull(byte[] b, int pos, int weak, ByteBuffer view, UnitSink sink)
            throws IOException {
        int slot = table.slotOf(weak);
        if (slot < 0) {
            return false;
        }
        int unit = table.firstUnfound(slot, found);
        if (unit < 0) {
            int known = table.knownUnit(slot);
            if (isKnown(known, b, pos)) {
                knownRun = known;
                return true;
            }
            return false;
        }
        UnitHashes.digest(sha, b, pos, unitSize, digest);
        return reportMatches(unit, b, pos, view, sink);
    }

    /**
     * Every unit of this weak value was found already: the window is passed over whole when it is
     * one of them, as after a match. A basis of much known content (a disk image's zeros, an older
     * version's unchanged tail after its units were found elsewhere) is then scanned at strong-hash
     * speed instead of a table lookup at every byte.
     */
    private boolean isKnown(int known, byte[] b, int pos) {
        if (known < 0) {
            return false;
        }
        UnitHashes.digest(sha, b, pos, unitSize, digest);
        return index.strongMatches(known, digest);
    }

    /**
     * After a match, tries the window that follows as the next unit by its strong hash alone,
     * before computing its weak checksum: where the basis holds the new version's content in
     * order (the common case, and all of an identical basis) this saves the checksum, a third of
     * the cost per unit; where it does not, it costs one strong hash per run of matches. A unit
     * that starts a block is tried as the whole block first ({@link #tryBlock}).
     *
     * @return how many bytes matched from {@code pos}: a unit's, a block's, or 0
     */
    private int tryPredicted(byte[] b, int pos, int limit, ByteBuffer view, UnitSink sink) throws IOException {
        int unit = predicted;
        predicted = -1;
        if (unit < 0 || unit >= fullUnits || found.get(unit)) {
            return 0;
        }
        if (blocks != null && unit % unitsPerBlock == 0) {
            int matched = tryBlock(unit / unitsPerBlock, b, pos, limit, view, sink);
            if (matched > 0) {
                return matched;
            }
        }
        UnitHashes.digest(sha, b, pos, unitSize, digest);
        if (!index.strongMatches(unit, digest)) {
            return 0;
        }
        // Units of the same content share its weak value: report them all, as tryFull would.
        int slot = table.slotOf(index.weakOf(unit));
        return reportMatches(table.firstUnfound(slot, found), b, pos, view, sink) ? unitSize : 0;
    }

    /** @return whether the predicted unit starts a block that is to be tried whole but is not all in the buffer */
    private boolean blockDue(int available) {
        int unit = predicted;
        if (blocks == null || unit < 0 || unit >= fullUnits || unit % unitsPerBlock != 0 || found.get(unit)) {
            return false;
        }
        return available < blockLength(unit / unitsPerBlock);
    }

    /**
     * Tries the window at {@code pos} as a whole block none of whose units is found yet: one
     * SHA-256 against the block's trusted one. Units of the same content elsewhere in the package
     * (zero pages) are reported too, as a unit match reports them.
     *
     * @return the block's length if it matched, else 0
     */
    private int tryBlock(int block, byte[] b, int pos, int limit, ByteBuffer view, UnitSink sink) throws IOException {
        int length = blockLength(block);
        int first = block * unitsPerBlock;
        int end = Math.min(first + unitsPerBlock, index.unitCount());
        int foundInside = found.nextSetBit(first);
        if (limit - pos < length || (foundInside >= 0 && foundInside < end)) {
            return 0;
        }
        UnitHashes.digest(sha, b, pos, length, digest);
        if (!blocks.matches(block, digest)) {
            return 0;
        }
        view.clear().position(pos).limit(pos + length);
        if (sink.foundBlock(block, view, digest)) {
            for (int unit = first; unit < end; unit++) {
                markFound(unit, index.lengthOf(unit));
            }
        } else {
            for (int unit = first; unit < end; unit++) {
                report(unit, b, pos + (unit - first) * unitSize, index.lengthOf(unit), view, sink);
            }
        }
        for (int unit = first; unit < end && unit < fullUnits; unit++) {
            int at = pos + (unit - first) * unitSize;
            for (int twin = table.firstUnfound(table.slotOf(index.weakOf(unit)), found); twin >= 0;
                    twin = table.next(twin)) {
                if (index.sameStrong(unit, twin)) {
                    report(twin, b, at, unitSize, view, sink);
                }
            }
        }
        predicted = end;
        return length;
    }

    private int blockLength(int block) {
        long start = (long) block * blocks.blockSize();
        return (int) Math.min(blocks.blockSize(), index.length() - start);
    }

    /** Reports the units from {@code unit} on its chain whose strong hash is {@link #digest}. */
    private boolean reportMatches(int unit, byte[] b, int pos, ByteBuffer view, UnitSink sink)
            throws IOException {
        boolean matched = false;
        for (int u = unit; u >= 0; u = table.next(u)) {
            if (index.strongMatches(u, digest)) {
                report(u, b, pos, unitSize, view, sink);
                if (!matched) {
                    predicted = u + 1;
                }
                matched = true;
            }
        }
        return matched;
    }

    /**
     * Trying the short unit after every match cost a weak checksum of its length per unit (most
     * of a unit's own cost, for a 3,000-byte last unit): only the unit before it predicts it.
     */
    private boolean takeShortFollows() {
        boolean follows = shortFollows && !found.get(shortUnit);
        shortFollows = false;
        return follows;
    }

    private void tryShort(byte[] b, int pos, ByteBuffer view, UnitSink sink) throws IOException {
        if (RollingChecksum.of(b, pos, shortLength) != index.weakOf(shortUnit)) {
            return;
        }
        UnitHashes.digest(sha, b, pos, shortLength, digest);
        if (index.strongMatches(shortUnit, digest)) {
            report(shortUnit, b, pos, shortLength, view, sink);
        }
    }

    private void report(int unit, byte[] b, int pos, int length, ByteBuffer view, UnitSink sink)
            throws IOException {
        view.clear().position(pos).limit(pos + length);
        sink.found(unit, view);
        markFound(unit, length);
    }

    private void markFound(int unit, int length) {
        found.set(unit);
        shortFollows |= shortUnit > 0 && unit == shortUnit - 1;
        foundCount++;
        foundBytes += length;
    }
}
