package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * The SHA-256 of a package taken block by block in file order while the package arrives, so that
 * placing it need not read and hash every byte once the last block is in (half a second per
 * 128 MiB on a busy core, all of it after the transfer). SHA-256 does not compose from the blocks'
 * own digests: the whole file has to pass through one digest in order, which is why a block is
 * taken only when every block before it is.
 *
 * <p>The digest belongs to one generation of the entry's content ({@link BlockFile} counts one up
 * whenever a present block is dropped or the content is replaced): hashed under another, it is
 * started over. Present blocks never change otherwise, so blocks hashed under the current
 * generation are what the file holds. Not thread-safe: {@link BlockFile} uses it under this
 * object's own monitor, never while holding its own.
 */
final class PackageDigest {
    // Pieces a block is read in: few system calls, and a small buffer per open entry.
    private static final int READ_SIZE = 256 * 1024;

    private final BlockLayout layout;
    private final String taskId;
    private final MessageDigest digest = BlockHashes.newSha256();
    private ByteBuffer buffer;
    // Blocks [0, next) are in the digest; read without the monitor by BlockFile to decide whether to
    // schedule, hence volatile.
    private volatile int next;
    private volatile long generation = -1;
    private byte[] result;
    private long bytesHashed;

    PackageDigest(BlockLayout layout, String taskId) {
        this.layout = layout;
        this.taskId = taskId;
    }

    /** @return the first block not yet in the digest */
    int next() {
        return next;
    }

    /** @return the content generation the digest belongs to */
    long generation() {
        return generation;
    }

    /** @return bytes read and hashed so far, starts over included (a test's and a log line's figure) */
    long bytesHashed() {
        return bytesHashed;
    }

    /**
     * Adds block {@code index} if it is the next one under {@code contentGeneration}, starting over
     * first if the digest belongs to another generation (then only block 0 is taken). The caller
     * saw the block present under that generation.
     *
     * @return whether the block was added
     * @throws IOException if the file cannot be read or ends inside the block
     */
    boolean add(int index, long contentGeneration, FileChannel channel) throws IOException {
        if (contentGeneration != generation) {
            startOver(contentGeneration);
        }
        if (index != next || index >= layout.blockCount()) {
            return false;
        }
        hashBlock(index, channel);
        return true;
    }

    /**
     * The package's SHA-256: the blocks not yet taken are hashed now, from the start if the digest
     * belongs to another generation. Every block must be present under {@code contentGeneration}.
     *
     * @return a copy of the digest
     * @throws IOException if the file cannot be read or is shorter than the package
     */
    byte[] complete(long contentGeneration, FileChannel channel) throws IOException {
        if (contentGeneration != generation) {
            startOver(contentGeneration);
        }
        while (next < layout.blockCount()) {
            hashBlock(next, channel);
        }
        if (result == null) {
            result = digest.digest(); // an empty package: no block ever finished it
        }
        return result.clone();
    }

    private void startOver(long contentGeneration) {
        digest.reset();
        next = 0;
        result = null;
        generation = contentGeneration;
    }

    private void hashBlock(int index, FileChannel channel) throws IOException {
        long position = layout.offsetOf(index);
        long end = position + layout.lengthOf(index);
        ByteBuffer piece = buffer();
        boolean whole = false;
        try {
            while (position < end) {
                piece.clear().limit((int) Math.min(piece.capacity(), end - position));
                int read = channel.read(piece, position);
                if (read < 0) {
                    throw new IOException("content of task '" + taskId + "' ends inside block " + index);
                }
                position += read;
                bytesHashed += read;
                piece.flip();
                digest.update(piece);
            }
            whole = true;
        } finally {
            if (!whole) {
                generation = -1; // the digest has part of the block: no prefix's digest now, so it starts over
            }
        }
        next = index + 1;
        if (next == layout.blockCount()) {
            result = digest.digest();
        }
    }

    private ByteBuffer buffer() {
        if (buffer == null) {
            // No bigger than the package: a small one should not cost a zeroed buffer of the full size.
            buffer = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(READ_SIZE, layout.length())));
        }
        return buffer;
    }
}
