package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The SHA-256 of what the content file holds, read back from it: of one block, to commit or
 * re-verify it, and of the whole package, to publish it.
 *
 * <p>A block is hashed through one direct buffer of the block size and one digest, both kept, so
 * that committing a block allocates nothing. Not thread-safe: {@link BlockFile} hashes blocks
 * under its lock.
 */
final class BlockHasher {
    // Whole packages are read in pieces of this size: large enough for few system calls.
    private static final int PACKAGE_READ_SIZE = 1 << 20;

    private final BlockLayout layout;
    private final MessageDigest digest = BlockHashes.newSha256();
    private ByteBuffer scratch;

    BlockHasher(BlockLayout layout) {
        this.layout = layout;
    }

    /**
     * Hashes block {@code index} as the file holds it.
     *
     * @param into receives the 32-byte digest at offset 0
     * @return false if the block reaches past the end of the file (it was never all written)
     */
    boolean hashBlock(FileChannel content, int index, byte[] into) throws IOException {
        int length = layout.lengthOf(index);
        ByteBuffer buffer = scratch();
        buffer.clear().limit(length);
        int read = PositionalIo.readFully(content, buffer, layout.offsetOf(index));
        buffer.flip();
        digest.reset();
        digest.update(buffer);
        if (read < length) {
            // Bytes past the end of a sparse file were never written: hash what is there plus a
            // marker so that the result can never match a real block.
            digest.update((byte) 1);
        }
        try {
            digest.digest(into, 0, BlockHashes.SHA256_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return read == length;
    }

    /**
     * Hashes a whole package in one pass. Thread-safe: publishing calls it outside the entry's lock,
     * with a digest and buffer of its own.
     *
     * @param taskId names the task in the error
     * @return the SHA-256 of the first {@code length} bytes
     * @throws IOException if the file is shorter or cannot be read
     */
    static byte[] hashPackage(FileChannel content, long length, String taskId) throws IOException {
        MessageDigest digest = BlockHashes.newSha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(PACKAGE_READ_SIZE);
        long position = 0;
        while (position < length) {
            buffer.clear();
            int read = content.read(buffer, position);
            if (read < 0) {
                throw new IOException("content of task '" + taskId + "' is shorter than " + length + " bytes");
            }
            position += read;
            buffer.flip();
            digest.update(buffer);
        }
        return digest.digest();
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
