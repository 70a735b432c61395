package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an entry's journal and content file: after a restart, after a crash, or for the first
 * time. The journal is replayed if it describes the same content (length, block size, identity);
 * otherwise the entry starts afresh and its content is deleted. Then every present block is hashed
 * again, because the journal may have reached the disk while the block's bytes did not (a torn
 * write): such a block is dropped, and will be fetched again.
 */
final class EntryRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(EntryRecovery.class);

    /**
     * An opened entry.
     *
     * @param blocks the ledger, its journal open
     * @param content the content file, open for reading and writing
     * @param verifier verifies the blocks the content holds against the ledger
     * @param droppedOnOpen how many journalled blocks failed to hash as journalled
     */
    record Recovered(BlockLedger blocks, ContentFile content, BlockVerifier verifier, int droppedOnOpen) {
    }

    private EntryRecovery() {
    }

    /**
     * Opens or creates the entry in {@code files}' directory; the caller holds its lock.
     *
     * @return the entry's parts; on failure nothing is left open
     */
    static Recovered open(String taskId, EntryFiles files, BlockLayout layout, String identity) throws IOException {
        Path contentFile = files.content();
        BlockLedger blocks = new BlockLedger(layout, files,
                new BlockJournal.Header(layout.length(), layout.blockSize(), identity));
        ContentFile content = null;
        try {
            boolean resumed = false;
            if (Files.exists(files.journal()) && Files.exists(contentFile)) {
                resumed = blocks.replayJournal();
                if (!resumed) {
                    LOG.info("task {}: cached content describes another version; starting afresh", taskId);
                }
            }
            if (!resumed) {
                Files.deleteIfExists(contentFile);
                blocks.startAfresh();
            }
            content = ContentFile.open(contentFile, layout.length());
            BlockVerifier verifier = new BlockVerifier(taskId, layout, blocks);
            int dropped = verifier.dropTornBlocks(content);
            if (dropped > 0) {
                LOG.warn("task {}: {} cached block(s) failed verification after a restart and will be fetched again",
                        taskId, dropped);
            }
            blocks.compactJournalIfLong();
            return new Recovered(blocks, content, verifier, dropped);
        } catch (IOException | RuntimeException e) {
            Closeables.closeAfter(e, blocks, content);
            throw e;
        }
    }
}
