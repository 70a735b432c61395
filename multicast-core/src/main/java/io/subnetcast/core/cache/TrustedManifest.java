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
 * <p>Version 2 also names the package's delta units ({@link UnitIndex}): with them an agent finds
 * the package's content in an older version it holds (its basis), even where that content moved,
 * and fetches only the rest. Units are finer than blocks (4 KiB against 1 MiB by default) and a
 * block holds a whole number of them, so a unit found is a byte range of one block. The units
 * themselves (20 bytes each, 0.5% of the package) are a file of their own, the manifest's
 * {@code .units} companion, named here by its length and SHA-256: only agents that hold an older
 * version need it, and they take it from their representative rather than each from the origin.
 *
 * <p>Version 3 (what {@link #of} writes) also states the SHA-256 of the whole package. An entry whose
 * every block was checked against such a manifest is that package: publishing it needs no second
 * hash of every byte, as long as the task's own SHA-256 is the one stated here (see
 * {@link BlockFile#publish}).
 *
 * <pre>
 * 0  "SCMF" | version u16 (1, 2 or 3) | reserved u16 | package length u64 | block size u32 | block count u32
 * 24 block count x 32-byte SHA-256, in block order
 *    versions 2 and 3: unit size u32 | unit count u32 | SHA-256 of the units file (32 bytes)
 *                      (version 3 without units: unit size 0, unit count 0, 32 zero bytes)
 *    version 3: SHA-256 of the package (32 bytes)
 * </pre>
 */
public final class TrustedManifest {
    private static final int UNITS_DESCRIPTOR = 8 + BlockHashes.SHA256_LENGTH;
    /** Most delta units a manifest may name: 16 GiB in units of 4 KiB; larger packages take larger units. */
    public static final int MAX_UNITS = 1 << 22;
    /** Largest manifest accepted: 2^21 blocks, the units' descriptor and the package's SHA-256. */
    public static final int MAX_BYTES = 24 + (1 << 21) * BlockHashes.SHA256_LENGTH + UNITS_DESCRIPTOR
            + BlockHashes.SHA256_LENGTH;
    /** Largest units file accepted: {@link #MAX_UNITS} units. */
    public static final int MAX_UNITS_BYTES = 8 + MAX_UNITS * (4 + UnitIndex.STRONG_LENGTH);
    private static final int MAGIC = 0x53434D46; // "SCMF"
    private static final int HEADER = 24;

    private final BlockLayout layout;
    private final byte[] hashes;
    private final int version;
    /** Version 3: the whole package's SHA-256; null in versions 1 and 2. */
    private final byte[] packageSha256;
    // Versions 2 and 3: the units' size, count and file SHA-256; unitSize 0 without units.
    private final int unitSize;
    private final int unitCount;
    private final byte[] unitsSha256;
    /** The units once their file is in hand and matched unitsSha256; null before (and in version 1). */
    private final UnitIndex units;
    private final byte[] unitsBytes;

    private TrustedManifest(BlockLayout layout, byte[] hashes, int version, byte[] packageSha256, int unitSize,
                            int unitCount, byte[] unitsSha256, UnitIndex units, byte[] unitsBytes) {
        this.layout = layout;
        this.hashes = hashes;
        this.version = version;
        this.packageSha256 = packageSha256;
        this.unitSize = unitSize;
        this.unitCount = unitCount;
        this.unitsSha256 = unitsSha256;
        this.units = units;
        this.unitsBytes = unitsBytes;
    }

    /**
     * Computes the manifest of a file with its delta units (version 3).
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
        ByteBuffer encoded = ByteBuffer.allocate(units.encodedLength());
        units.writeTo(encoded);
        byte[] unitsBytes = encoded.array();
        return new TrustedManifest(blocks.layout, blocks.hashes, 3, blocks.packageSha256, unitSize, units.unitCount(),
                BlockHashes.newSha256().digest(unitsBytes), units, unitsBytes);
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
     * Computes the manifest of a file, without delta units (version 3).
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
        MessageDigest whole = BlockHashes.newSha256();
        byte[] block = new byte[blockSize];
        try (InputStream in = Files.newInputStream(file)) {
            for (int index = 0; index < layout.blockCount(); index++) {
                int length = layout.lengthOf(index);
                if (in.readNBytes(block, 0, length) != length) {
                    throw new IOException(file + " changed while its manifest was computed");
                }
                digest.update(block, 0, length);
                whole.update(block, 0, length);
                System.arraycopy(digest.digest(), 0, hashes, index * BlockHashes.SHA256_LENGTH, BlockHashes.SHA256_LENGTH);
            }
        }
        return new TrustedManifest(layout, hashes, 3, whole.digest(), 0, 0, null, null, null);
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
        if (in.getInt() != MAGIC || (version = in.getShort()) < 1 || version > 3) {
            throw new IllegalArgumentException("not a subnetcast manifest of version 1, 2 or 3");
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
        if (version == 1) {
            return new TrustedManifest(layout, hashes, 1, null, 0, 0, null, null, null);
        }
        long expectedLength = HEADER + blockBytes + UNITS_DESCRIPTOR + (version == 3 ? BlockHashes.SHA256_LENGTH : 0);
        if (bytes.length != expectedLength) {
            throw new IllegalArgumentException("manifest of version " + version + " has " + bytes.length
                    + " bytes, not " + expectedLength);
        }
        in.position(HEADER + (int) blockBytes);
        int unitSize = in.getInt();
        int unitCount = in.getInt();
        byte[] unitsSha256 = new byte[BlockHashes.SHA256_LENGTH];
        in.get(unitsSha256);
        byte[] packageSha256 = null;
        if (version == 3) {
            packageSha256 = new byte[BlockHashes.SHA256_LENGTH];
            in.get(packageSha256);
            if (unitSize == 0) {
                if (unitCount != 0 || !Arrays.equals(unitsSha256, new byte[BlockHashes.SHA256_LENGTH])) {
                    throw new IllegalArgumentException("manifest without delta units describes " + unitCount + " of them");
                }
                return new TrustedManifest(layout, hashes, 3, packageSha256, 0, 0, null, null, null);
            }
        }
        checkUnitSize(unitSize, blockSize);
        if (unitCount != (length + unitSize - 1) / unitSize || unitCount > MAX_UNITS) {
            throw new IllegalArgumentException("manifest names " + unitCount + " units of " + unitSize + " bytes for "
                    + layout);
        }
        return new TrustedManifest(layout, hashes, version, packageSha256, unitSize, unitCount, unitsSha256, null, null);
    }

    /**
     * Checks and parses the units file this manifest names.
     *
     * @param bytes the units file as fetched (from a peer or the origin)
     * @return this manifest with its units
     * @throws IntegrityException if the bytes are not the units file this manifest names
     * @throws IllegalStateException if this manifest names no units
     */
    public TrustedManifest withUnits(byte[] bytes) throws IntegrityException {
        if (unitsSha256 == null) {
            throw new IllegalStateException("the manifest names no delta units");
        }
        if (bytes.length > MAX_UNITS_BYTES || !MessageDigest.isEqual(BlockHashes.newSha256().digest(bytes), unitsSha256)) {
            throw new IntegrityException("the delta units do not have the SHA-256 the trusted manifest names");
        }
        UnitIndex parsed;
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            parsed = UnitIndex.read(in, layout.length());
            if (in.hasRemaining() || parsed.unitSize() != unitSize || parsed.unitCount() != unitCount) {
                throw new IllegalArgumentException("units file does not match its descriptor");
            }
        } catch (IllegalArgumentException e) {
            // Its hash matched: whoever wrote the manifest wrote it wrong.
            throw new IntegrityException("the delta units the trusted manifest names are malformed: " + e.getMessage());
        }
        return new TrustedManifest(layout, hashes, version, packageSha256, unitSize, unitCount, unitsSha256, parsed,
                bytes.clone());
    }

    /** @return the manifest's bytes, as written to a file and fetched by agents (a parsed one: as it came) */
    public byte[] toBytes() {
        int length = HEADER + hashes.length + (version == 1 ? 0 : UNITS_DESCRIPTOR)
                + (version == 3 ? BlockHashes.SHA256_LENGTH : 0);
        ByteBuffer out = ByteBuffer.allocate(length);
        out.putInt(MAGIC).putShort((short) version).putShort((short) 0).putLong(layout.length())
                .putInt(layout.blockSize()).putInt(layout.blockCount()).put(hashes);
        if (version > 1) {
            out.putInt(unitSize).putInt(unitCount).put(unitsSha256 == null ? new byte[BlockHashes.SHA256_LENGTH] : unitsSha256);
        }
        if (version == 3) {
            out.put(packageSha256);
        }
        return out.array();
    }

    /** @return the package's SHA-256 as this manifest states it, or null (versions 1 and 2 state none) */
    public byte[] packageSha256() {
        return packageSha256 == null ? null : packageSha256.clone();
    }

    /** @return whether this manifest names delta units */
    public boolean namesUnits() {
        return unitsSha256 != null;
    }

    /** @return the package's delta units, or null until {@link #withUnits} gave them (or in version 1) */
    public UnitIndex units() {
        return units;
    }

    /** @return the units file's bytes, as written beside the manifest and served to peers, or null without units */
    public byte[] unitsBytes() {
        return unitsBytes == null ? null : unitsBytes.clone();
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
     * that disagrees; with the package's SHA-256 (version 3) the entry then knows what it holds once
     * complete.
     *
     * @param store the entry
     * @throws IOException on a journal failure
     * @throws IllegalArgumentException if the entry's layout differs
     */
    public void applyTo(BlockFile store) throws IOException {
        if (store.layout().length() != layout.length() || store.layout().blockSize() != layout.blockSize()) {
            throw new IllegalArgumentException("manifest describes " + layout + ", the cache entry " + store.layout());
        }
        store.expectTrusted(hashes, packageSha256);
    }
}
