package io.subnetcast.core.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A package's block size and the SHA-256 of every block, itself identified by its own SHA-256
 * that the management system puts into the task. With it every agent checks each block before it
 * caches or serves it, so neither a hostile representative nor a hostile peer can make anyone store
 * a wrong block; without it the per-block hashes the representative multicasts are provisional and
 * only the whole-file hash decides.
 *
 * <pre>
 * 0  "SCMF" | version u16 (1) | reserved u16 | package length u64 | block size u32 | block count u32
 * 24 block count x 32-byte SHA-256, in block order
 * </pre>
 */
public final class TrustedManifest {
    /** Largest manifest accepted: 2^21 blocks. */
    public static final int MAX_BYTES = 24 + (1 << 21) * BlockHashes.SHA256_LENGTH;
    private static final int MAGIC = 0x53434D46; // "SCMF"
    private static final int HEADER = 24;

    private final BlockLayout layout;
    private final byte[] hashes;

    private TrustedManifest(BlockLayout layout, byte[] hashes) {
        this.layout = layout;
        this.hashes = hashes;
    }

    /**
     * Computes the manifest of a file.
     *
     * @param file the package
     * @param blockSize its block size
     * @return the manifest
     * @throws IOException if the file cannot be read
     */
    public static TrustedManifest of(Path file, int blockSize) throws IOException {
        BlockLayout layout = new BlockLayout(Files.size(file), blockSize);
        byte[] hashes = new byte[layout.blockCount() * BlockHashes.SHA256_LENGTH];
        MessageDigest digest = BlockHashes.newSha256();
        byte[] block = new byte[blockSize];
        try (InputStream in = Files.newInputStream(file)) {
            for (int index = 0; index < layout.blockCount(); index++) {
                int length = layout.lengthOf(index);
                if (in.readNBytes(block, 0, length) != length) {
                    throw new IOException(file + " changed while its manifest was computed");
                }
                digest.update(block, 0, length);
                System.arraycopy(digest.digest(), 0, hashes, index * BlockHashes.SHA256_LENGTH, BlockHashes.SHA256_LENGTH);
            }
        }
        return new TrustedManifest(layout, hashes);
    }

    /**
     * Checks and parses manifest bytes received from anywhere.
     *
     * @param bytes the manifest as fetched
     * @param expectedSha256 the manifest's SHA-256 from the task
     * @return the manifest
     * @throws IntegrityException if the bytes are not the manifest the task names
     * @throws IllegalArgumentException if they are that manifest but malformed
     */
    public static TrustedManifest parse(byte[] bytes, byte[] expectedSha256) throws IntegrityException {
        if (bytes.length > MAX_BYTES || !MessageDigest.isEqual(BlockHashes.newSha256().digest(bytes), expectedSha256)) {
            throw new IntegrityException("the manifest does not have the SHA-256 the task names");
        }
        if (bytes.length < HEADER) {
            throw new IllegalArgumentException("manifest of " + bytes.length + " bytes is too short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC || in.getShort() != 1) {
            throw new IllegalArgumentException("not a subnetcast manifest of version 1");
        }
        in.getShort();
        long length = in.getLong();
        int blockSize = in.getInt();
        int count = in.getInt();
        BlockLayout layout = new BlockLayout(length, blockSize);
        if (count != layout.blockCount() || bytes.length != HEADER + (long) count * BlockHashes.SHA256_LENGTH) {
            throw new IllegalArgumentException("manifest lists " + count + " blocks for " + layout);
        }
        return new TrustedManifest(layout, Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }

    /** @return the manifest's bytes, as written to a file and fetched by agents */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(HEADER + hashes.length);
        out.putInt(MAGIC).putShort((short) 1).putShort((short) 0).putLong(layout.length())
                .putInt(layout.blockSize()).putInt(layout.blockCount()).put(hashes);
        return out.array();
    }

    /** @return the package's layout */
    public BlockLayout layout() {
        return layout;
    }

    /**
     * @param block a block index
     * @return its SHA-256
     */
    public byte[] hashOf(int block) {
        int at = block * BlockHashes.SHA256_LENGTH;
        return Arrays.copyOfRange(hashes, at, at + BlockHashes.SHA256_LENGTH);
    }

    /**
     * Records every block's hash in a cache entry of the same layout, dropping any cached block
     * that disagrees.
     *
     * @param store the entry
     * @throws IOException on a journal failure
     * @throws IllegalArgumentException if the entry's layout differs
     */
    public void applyTo(BlockFile store) throws IOException {
        if (store.layout().length() != layout.length() || store.layout().blockSize() != layout.blockSize()) {
            throw new IllegalArgumentException("manifest describes " + layout + ", the cache entry " + store.layout());
        }
        for (int block = 0; block < layout.blockCount(); block++) {
            store.expectBlockHash(block, hashOf(block));
        }
    }
}
