package io.subnetcast.core.cache;

import io.subnetcast.core.delta.UnitIndex;
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
 * <p>Version 2 adds the package's delta units ({@link UnitIndex}): with them an agent finds the
 * package's content in an older version it holds (its basis), even where that content moved, and
 * fetches only the rest. Units are finer than blocks (4 KiB against 1 MiB by default) and a block
 * holds a whole number of them, so a unit found is a byte range of one block.
 *
 * <pre>
 * 0  "SCMF" | version u16 (1 or 2) | reserved u16 | package length u64 | block size u32 | block count u32
 * 24 block count x 32-byte SHA-256, in block order
 *    version 2 only: the delta units as {@link UnitIndex#writeTo} writes them
 * </pre>
 */
public final class TrustedManifest {
    /** Most delta units a manifest may list: 16 GiB in units of 4 KiB; larger packages take larger units. */
    public static final int MAX_UNITS = 1 << 22;
    /** Largest manifest accepted: 2^21 blocks and {@link #MAX_UNITS} units. */
    public static final int MAX_BYTES = 24 + (1 << 21) * BlockHashes.SHA256_LENGTH + 8
            + MAX_UNITS * (4 + UnitIndex.STRONG_LENGTH);
    private static final int MAGIC = 0x53434D46; // "SCMF"
    private static final int HEADER = 24;

    private final BlockLayout layout;
    private final byte[] hashes;
    private final UnitIndex units;

    private TrustedManifest(BlockLayout layout, byte[] hashes, UnitIndex units) {
        this.layout = layout;
        this.hashes = hashes;
        this.units = units;
    }

    /**
     * Computes the manifest of a file with its delta units (version 2).
     *
     * @param file the package
     * @param blockSize its block size
     * @param unitSize delta unit size: a power of two that divides the block size; 0 for none (version 1)
     * @return the manifest
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the unit size does not fit the block size
     */
    public static TrustedManifest of(Path file, int blockSize, int unitSize) throws IOException {
        TrustedManifest blocks = of(file, blockSize);
        if (unitSize == 0) {
            return blocks;
        }
        checkUnitSize(unitSize, blockSize);
        UnitIndex units = UnitIndex.of(file, unitSize);
        if (units.length() != blocks.layout.length()) {
            throw new IOException(file + " changed while its manifest was computed");
        }
        if (units.unitCount() > MAX_UNITS) {
            throw new IllegalArgumentException(file + " needs " + units.unitCount() + " delta units of " + unitSize
                    + " bytes, more than " + MAX_UNITS + ": take larger units");
        }
        return new TrustedManifest(blocks.layout, blocks.hashes, units);
    }

    /**
     * The delta unit size {@code subnetcast manifest} takes for a package: 4 KiB, or the smallest
     * larger power of two that keeps the unit count within {@link #MAX_UNITS}, at most the block size.
     *
     * @param length the package length
     * @param blockSize its block size
     * @return the unit size, or 0 when the block size takes no units (not a multiple of 4 KiB)
     */
    public static int defaultUnitSize(long length, int blockSize) {
        int unit = UnitIndex.DEFAULT_UNIT_SIZE;
        while ((length + unit - 1) / unit > MAX_UNITS && unit < blockSize) {
            unit *= 2;
        }
        return blockSize % unit == 0 ? unit : 0;
    }

    private static void checkUnitSize(int unitSize, int blockSize) {
        if (unitSize < UnitIndex.MIN_UNIT_SIZE || Integer.bitCount(unitSize) != 1 || blockSize % unitSize != 0) {
            throw new IllegalArgumentException("the delta unit size must be a power of two of at least "
                    + UnitIndex.MIN_UNIT_SIZE + " bytes that divides the block size " + blockSize + ": " + unitSize);
        }
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
        return new TrustedManifest(layout, hashes, null);
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
        int version;
        if (in.getInt() != MAGIC || ((version = in.getShort()) != 1 && version != 2)) {
            throw new IllegalArgumentException("not a subnetcast manifest of version 1 or 2");
        }
        in.getShort();
        long length = in.getLong();
        int blockSize = in.getInt();
        int count = in.getInt();
        BlockLayout layout = new BlockLayout(length, blockSize);
        long blockBytes = (long) count * BlockHashes.SHA256_LENGTH;
        if (count != layout.blockCount() || (version == 1 ? bytes.length != HEADER + blockBytes
                : bytes.length < HEADER + blockBytes)) {
            throw new IllegalArgumentException("manifest lists " + count + " blocks for " + layout);
        }
        byte[] hashes = Arrays.copyOfRange(bytes, HEADER, HEADER + (int) blockBytes);
        UnitIndex units = null;
        if (version == 2) {
            in.position(HEADER + (int) blockBytes);
            units = UnitIndex.read(in, length);
            checkUnitSize(units.unitSize(), blockSize);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("manifest has " + in.remaining() + " bytes after its delta units");
            }
        }
        return new TrustedManifest(layout, hashes, units);
    }

    /** @return the manifest's bytes, as written to a file and fetched by agents */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(HEADER + hashes.length + (units == null ? 0 : units.encodedLength()));
        out.putInt(MAGIC).putShort((short) (units == null ? 1 : 2)).putShort((short) 0).putLong(layout.length())
                .putInt(layout.blockSize()).putInt(layout.blockCount()).put(hashes);
        if (units != null) {
            units.writeTo(out);
        }
        return out.array();
    }

    /** @return the package's delta units, or null in a manifest of version 1 */
    public UnitIndex units() {
        return units;
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
