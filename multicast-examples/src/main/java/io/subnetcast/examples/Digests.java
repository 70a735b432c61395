package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Whole-file SHA-256, computed with a fixed buffer so that memory does not grow with the package. */
final class Digests {
    private static final int BUFFER_BYTES = 1 << 20;

    private Digests() {
    }

    /**
     * @param file a file
     * @return its SHA-256
     * @throws IOException if it cannot be read
     */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = BlockHashes.newSha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
        }
        return digest.digest();
    }

    /**
     * Hashes a cache entry's content in place, without publishing it anywhere.
     *
     * @param store a complete cache entry
     * @return the SHA-256 of the package it holds
     * @throws IOException if it cannot be read
     */
    static byte[] sha256(BlockFile store) throws IOException {
        MessageDigest digest = BlockHashes.newSha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        long length = store.layout().length();
        for (long offset = 0; offset < length; ) {
            buffer.clear();
            int read = store.read(offset, buffer);
            if (read <= 0) {
                throw new IOException("cache entry of task '" + store.taskId() + "' ends at " + offset + " of " + length
                        + " bytes");
            }
            digest.update(buffer.flip());
            offset += read;
        }
        return digest.digest();
    }
}
