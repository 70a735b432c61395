package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes blocks, as they were written in order or read back from the content file, and holds the
 * digests against the ledger:
 * a block becomes present only if its bytes hash to the SHA-256 a manifest expects (when one is
 * known), and a block journalled before a restart stays present only if its bytes still hash as
 * journalled. Also hashes whole packages, for publishing.
 *
 * <p>A block whose every byte was written in order was hashed on the way in ({@link InOrderDigests}):
 * its commit finishes that digest and reads nothing. Any other block is read back, as is every block
 * checked on reopen. Both give the same digest of the same bytes, so the outcome never depends on
 * which path was taken; only the cost does, and two counters tell them apart.
 *
 * <p>A block is hashed through one direct buffer of the block size and one digest, both kept, so
 * that committing a block allocates nothing. Not thread-safe: {@link BlockFile} verifies blocks
 * under its lock. The whole package's digest is {@link PackageDigest}'s.
 */
final class BlockVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(BlockVerifier.class);

    private final String taskId;
    private final BlockLayout layout;
    private final BlockLedger blocks;
    private final MessageDigest digest = BlockHashes.newSha256();
    // The digest of the block being verified.
    private final byte[] sha = new byte[BlockHashes.SHA256_LENGTH];
    private ByteBuffer scratch;
    private long bytesHashedAsWritten;
    private long bytesReadBack;

    /** @param taskId names the task in log lines */
    BlockVerifier(String taskId, BlockLayout layout, BlockLedger blocks) {
        this.taskId = taskId;
        this.layout = layout;
        this.blocks = blocks;
    }

    /**
     * Makes a written block present, journalled with its SHA-256, if its bytes may be the block:
     * hashed as they were written when {@code inOrder} covers the whole block, else read back. The
     * block's running digest is forgotten either way.
     *
     * @return true if the block is present; false if its bytes reach past the end of the file
     *     (they were never all written) or do not hash as expected
     */
    boolean commit(ContentFile content, int index, InOrderDigests inOrder) throws IOException {
        if (blocks.isPresent(index)) {
            inOrder.forget(index);
            return true;
        }
        if (inOrder.finish(index, sha)) {
            // Every byte of the block was written, in order, and hashed as it passed: nothing to read.
            bytesHashedAsWritten += layout.lengthOf(index);
        } else {
            bytesReadBack += layout.lengthOf(index);
            if (!hashBlock(content, index)) {
                LOG.debug("task {}: block {} was not written to its end", taskId, index);
                return false;
            }
        }
        if (!blocks.fitsExpected(index, sha)) {
            LOG.debug("task {}: block {} does not match its expected SHA-256", taskId, index);
            return false;
        }
        blocks.markPresent(index, sha);
        return true;
    }

    /** @return bytes of blocks whose commit used the digest taken as they were written, matching or not */
    long bytesHashedAsWritten() {
        return bytesHashedAsWritten;
    }

    /** @return bytes of blocks whose commit read them back from the file to hash them (reopening not counted) */
    long bytesReadBack() {
        return bytesReadBack;
    }

    /**
     * Drops every present block whose bytes no longer hash as journalled, or not as expected: the
     * journal may have reached the disk while the block's bytes did not (a torn write).
     *
     * @return how many blocks were dropped
     */
    int dropTornBlocks(ContentFile content) throws IOException {
        int dropped = 0;
        for (int index = blocks.nextPresent(0); index >= 0; index = blocks.nextPresent(index + 1)) {
            hashBlock(content, index);
            if (!blocks.stillHolds(index, sha)) {
                blocks.drop(index);
                dropped++;
            }
        }
        return dropped;
    }

    /** Hashes block {@code index} as the file holds it into {@link #sha}; false if the file ends inside it. */
    private boolean hashBlock(ContentFile content, int index) throws IOException {
        int length = layout.lengthOf(index);
        ByteBuffer buffer = scratch();
        buffer.clear().limit(length);
        int read = PositionalIo.readFully(content.channel(), buffer, layout.offsetOf(index));
        buffer.flip();
        digest.reset();
        digest.update(buffer);
        if (read < length) {
            // Bytes past the end of a sparse file were never written: hash what is there plus a
            // marker so that the result can never match a real block.
            digest.update((byte) 1);
        }
        try {
            digest.digest(sha, 0, BlockHashes.SHA256_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return read == length;
    }

    // Allocated when the first block is hashed: an entry opened empty holds no direct memory (up to
    // 64 MiB, the largest block) until it has a block to commit.
    private ByteBuffer scratch() {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(layout.blockSize());
        }
        return scratch;
    }
}
