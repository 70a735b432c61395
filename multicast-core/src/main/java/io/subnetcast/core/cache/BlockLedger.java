package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What an entry knows about its blocks: which are present, with the SHA-256 each was committed
 * with, and which SHA-256 a manifest says each must have; and the {@link BlockJournal} that makes
 * this knowledge survive a crash. Every change is journalled, and replaying the journal builds the
 * ledger again.
 *
 * <p>The ledger records, it does not hash: whether bytes really have a digest is for the {@link
 * BlockVerifier} that read them. Not thread-safe: {@link BlockFile} serialises access.
 */
final class BlockLedger implements AutoCloseable {
    private final BlockLayout layout;
    private final EntryFiles files;
    private final BlockJournal.Header header;
    private final HashedBlockSet present;
    private final HashedBlockSet expected;
    private long bytesHeld;
    private BlockJournal journal;

    /**
     * An empty ledger; {@link #replayJournal()} or {@link #startAfresh()} opens its journal.
     *
     * @param header what the content is; a journal with another header describes another version
     */
    BlockLedger(BlockLayout layout, EntryFiles files, BlockJournal.Header header) {
        this.layout = layout;
        this.files = files;
        this.header = header;
        this.present = HashedBlockSet.allocated(layout.blockCount());
        this.expected = HashedBlockSet.allocatedOnFirstPut(layout.blockCount());
    }

    /**
     * Opens the journal and replays its records into this ledger; a torn tail is cut off.
     *
     * @return false, with no journal open, if it describes other content or its header is damaged
     */
    boolean replayJournal() throws IOException {
        journal = BlockJournal.openIfMatches(files.journal(), header, layout.blockCount(), this::replay);
        return journal != null;
    }

    /** Forgets every block and replaces the journal, if any, with an empty one. */
    void startAfresh() throws IOException {
        present.clear();
        expected.clear();
        bytesHeld = 0;
        if (journal != null) {
            journal.close();
        }
        Files.deleteIfExists(files.journal());
        journal = BlockJournal.create(files.journal(), header);
    }

    /**
     * Rewrites a journal that has grown far beyond a record per block (blocks dropped and committed
     * again, torn blocks dropped on open) with one record per fact, so that replay takes time in
     * proportion to the package rather than to its history. The rewrite replaces the old journal
     * by an atomic rename: a crash leaves one or the other, whole.
     */
    void compactJournalIfLong() throws IOException {
        if (journal.records() <= 2 * layout.blockCount() + 64) {
            return;
        }
        Path temporary = files.journalRewrite();
        try (BlockJournal compacted = BlockJournal.create(temporary, header)) {
            expected.appendTo(compacted, BlockJournal.EXPECTED);
            present.appendTo(compacted, BlockJournal.PRESENT);
            compacted.force();
        }
        journal.close();
        Files.move(temporary, files.journal(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        journal = BlockJournal.openIfMatches(files.journal(), header, layout.blockCount(), (type, index, sha256) -> { });
        if (journal == null) {
            throw new IOException("compacted journal " + files.journal() + " cannot be read back");
        }
    }

    /** Makes the journalled changes durable across power loss (a process kill never needs it). */
    void forceJournal() throws IOException {
        journal.force();
    }

    /** Closes and deletes the journal of a published package: its blocks no longer change. */
    void deleteJournal() throws IOException {
        journal.close();
        Files.deleteIfExists(files.journal());
    }

    @Override
    public void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    boolean isPresent(int index) {
        return present.contains(index);
    }

    int presentBlocks() {
        return present.size();
    }

    boolean isComplete() {
        return present.size() == layout.blockCount();
    }

    /**
     * @param vouched units vouched for in blocks not present, or null
     * @return whether every block touching the span is present or, where one is not, every unit of
     *     the span inside it was vouched for; an empty span inside the package is held
     */
    boolean holdsSpan(long start, long endExclusive, VouchedUnits vouched) {
        if (start < 0 || endExclusive > layout.length() || start >= endExclusive) {
            return start == endExclusive && start >= 0 && start <= layout.length();
        }
        for (int block = layout.indexOf(start); block <= layout.indexOf(endExclusive - 1); block++) {
            if (!present.contains(block) && (vouched == null || !vouched.covers(Math.max(start, layout.offsetOf(block)),
                    Math.min(endExclusive, layout.offsetOf(block) + layout.lengthOf(block))))) {
                return false;
            }
        }
        return true;
    }

    /** @return the first present block at or after {@code from}, or -1 */
    int nextPresent(int from) {
        return present.nextMember(from);
    }

    /** @return the first missing block at or after {@code from}, or -1 */
    int nextMissing(int from) {
        return present.nextNonMember(from);
    }

    /** @return the package bytes held in present blocks */
    long bytesHeld() {
        return bytesHeld;
    }

    /** @return a copy of the digest the block was committed with, or null if it is not present */
    byte[] presentHash(int index) {
        return present.hashOf(index);
    }

    /** @return a copy of the digest the block must have, or null while none is known */
    byte[] expectedHash(int index) {
        return expected.hashOf(index);
    }

    /** The digests of all blocks in block order, shared, not copied; whole only once complete. */
    byte[] presentHashes() {
        return present.packedHashes();
    }

    /** @return whether bytes with this digest may become block {@code index}: no other digest is expected */
    boolean fitsExpected(int index, byte[] sha256) {
        return !expected.contains(index) || expected.matches(index, sha256);
    }

    /** @return whether this very digest is the one expected of the block (false while none is known) */
    boolean expects(int index, byte[] sha256) {
        return expected.contains(index) && expected.matches(index, sha256);
    }

    /** @return whether a present block, hashed again, still has its committed and its expected digest */
    boolean stillHolds(int index, byte[] sha256) {
        return present.matches(index, sha256) && fitsExpected(index, sha256);
    }

    /** Records a verified block as present; journalled first, so that a failed append changes nothing. */
    void markPresent(int index, byte[] sha256) throws IOException {
        journal.append(BlockJournal.PRESENT, index, sha256, 0);
        admit(index, sha256);
    }

    /**
     * Records the digest a block must have; a present block with another digest is dropped.
     *
     * @return false if a present block was dropped
     */
    boolean expect(int index, byte[] sha256) throws IOException {
        if (expected.matches(index, sha256)) {
            return true;
        }
        expected.put(index, sha256, 0);
        journal.append(BlockJournal.EXPECTED, index, sha256, 0);
        if (present.contains(index) && !present.matches(index, sha256)) {
            drop(index);
            return false;
        }
        return true;
    }

    /** @return true if the block was present and is now dropped */
    boolean drop(int index) throws IOException {
        if (!forget(index)) {
            return false;
        }
        journal.append(BlockJournal.DROPPED, index, null, 0);
        return true;
    }

    private void replay(byte type, int index, byte[] sha256) {
        switch (type) {
            case BlockJournal.PRESENT -> admit(index, sha256);
            case BlockJournal.EXPECTED -> expected.put(index, sha256, 0);
            case BlockJournal.DROPPED -> forget(index);
            default -> throw new IllegalStateException("journal type " + type);
        }
    }

    private void admit(int index, byte[] sha256) {
        if (present.put(index, sha256, 0)) {
            bytesHeld += layout.lengthOf(index);
        }
    }

    private boolean forget(int index) {
        if (!present.remove(index)) {
            return false;
        }
        bytesHeld -= layout.lengthOf(index);
        return true;
    }
}
