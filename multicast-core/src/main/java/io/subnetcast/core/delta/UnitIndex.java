package io.subnetcast.core.delta;

import io.subnetcast.core.cache.BlockHashes;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The delta section of a package's manifest: the package cut into fixed-size delta units (the
 * last may be shorter), and per unit a weak {@link RollingChecksum} and a strong hash, the first
 * {@value #STRONG_LENGTH} bytes of the SHA-256 of the unit's bytes.
 *
 * <p>Encoded big-endian as {@code unit size u32 | unit count u32 | count × weak u32 | count ×
 * strong[16]}. The weak value of a short last unit is over its actual length.
 *
 * <p>Kept in two flat arrays (no object per unit): a 4 GiB package at the default unit size has
 * one million units, 20 MB here. Immutable once built.
 */
public final class UnitIndex {
    /** The unit size manifests use unless told otherwise. */
    public static final int DEFAULT_UNIT_SIZE = 4096;
    /** The smallest unit size accepted. */
    public static final int MIN_UNIT_SIZE = 512;
    /** The largest unit size accepted, the package's verification block size. */
    public static final int MAX_UNIT_SIZE = 1 << 20;
    /** Bytes of each unit's SHA-256 kept as its strong hash. */
    public static final int STRONG_LENGTH = 16;

    private static final int HEADER_LENGTH = 8;
    private static final int ENTRY_LENGTH = 4 + STRONG_LENGTH;
    /** The most units whose encoding still fits an {@code int} length. */
    static final int MAX_UNITS = (Integer.MAX_VALUE - HEADER_LENGTH) / ENTRY_LENGTH;
    private static final int READ_BUFFER = 1 << 20;

    private final int unitSize;
    private final long length;
    private final int[] weak;
    // STRONG_LENGTH bytes per unit, unit after unit.
    private final byte[] strong;

    private UnitIndex(int unitSize, long length, int[] weak, byte[] strong) {
        this.unitSize = unitSize;
        this.length = length;
        this.weak = weak;
        this.strong = strong;
    }

    /**
     * Computes the index of a file in one sequential pass.
     *
     * @param file the package
     * @param unitSize unit size: a power of two from {@value #MIN_UNIT_SIZE} to
     *     {@value #MAX_UNIT_SIZE}
     * @return its index
     * @throws IOException if the file cannot be read, or changes length while being read
     * @throws IllegalArgumentException on a bad unit size, or a file of too many units
     */
    public static UnitIndex of(Path file, int unitSize) throws IOException {
        checkUnitSize(unitSize);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            int count = unitCount(length, unitSize);
            int[] weak = new int[count];
            byte[] strong = new byte[count * STRONG_LENGTH];
            // A multiple of the unit size (both are powers of two), so units never straddle fills.
            ByteBuffer buffer = ByteBuffer.allocate(Math.max(READ_BUFFER, unitSize));
            MessageDigest sha = BlockHashes.newSha256();
            byte[] digest = new byte[BlockHashes.SHA256_LENGTH];
            int unit = 0;
            long offset = 0;
            while (unit < count) {
                buffer.clear();
                long want = Math.min(buffer.capacity(), length - offset);
                buffer.limit((int) want);
                fill(channel, buffer, file);
                byte[] bytes = buffer.array();
                for (int at = 0; at < want; at += unitSize, unit++) {
                    int n = (int) Math.min(unitSize, want - at);
                    weak[unit] = RollingChecksum.of(bytes, at, n);
                    UnitHashes.digest(sha, bytes, at, n, digest);
                    System.arraycopy(digest, 0, strong, unit * STRONG_LENGTH, STRONG_LENGTH);
                }
                offset += want;
            }
            if (channel.read(ByteBuffer.allocate(1)) > 0) {
                throw new IOException(file + " grew while its delta index was computed");
            }
            return new UnitIndex(unitSize, length, weak, strong);
        }
    }

    /**
     * Parses what {@link #writeTo} wrote, from untrusted bytes: every field is bounded before it
     * is used. Advances {@code in} past the index.
     *
     * @param in the encoding, from its position
     * @param packageLength the package's length, from the manifest
     * @return the index
     * @throws IllegalArgumentException if the bytes are not a valid index of a package of that
     *     length (the message says which field is wrong)
     */
    public static UnitIndex read(ByteBuffer in, long packageLength) {
        if (packageLength < 0) {
            throw new IllegalArgumentException("negative package length " + packageLength);
        }
        if (in.remaining() < HEADER_LENGTH) {
            throw new IllegalArgumentException("delta index truncated: " + in.remaining()
                    + " bytes, its header alone takes " + HEADER_LENGTH);
        }
        // Parse a big-endian view whatever the caller's byte order; advance the caller at the end.
        ByteBuffer view = in.duplicate().order(ByteOrder.BIG_ENDIAN);
        int unitSize = view.getInt();
        checkUnitSize(unitSize);
        long count = Integer.toUnsignedLong(view.getInt());
        int expected = unitCount(packageLength, unitSize);
        if (count != expected) {
            throw new IllegalArgumentException("delta index has " + count + " units, a package of "
                    + packageLength + " bytes in units of " + unitSize + " has " + expected);
        }
        long body = count * ENTRY_LENGTH;
        if (view.remaining() < body) {
            throw new IllegalArgumentException("delta index truncated: " + count + " units need "
                    + (HEADER_LENGTH + body) + " bytes, " + in.remaining() + " remain");
        }
        int[] weak = new int[expected];
        view.asIntBuffer().get(weak);
        view.position(view.position() + expected * 4);
        byte[] strong = new byte[expected * STRONG_LENGTH];
        view.get(strong);
        in.position(view.position());
        return new UnitIndex(unitSize, packageLength, weak, strong);
    }

    /** @return the encoding's length in bytes */
    public int encodedLength() {
        return HEADER_LENGTH + weak.length * ENTRY_LENGTH;
    }

    /**
     * Writes the encoding {@link #read} parses, big-endian whatever the buffer's order.
     *
     * @param out where, from its position; advanced past it
     * @throws BufferOverflowException if fewer than {@link #encodedLength()} bytes remain
     */
    public void writeTo(ByteBuffer out) {
        if (out.remaining() < encodedLength()) {
            throw new BufferOverflowException();
        }
        ByteBuffer bigEndian = out.duplicate().order(ByteOrder.BIG_ENDIAN);
        bigEndian.putInt(unitSize).putInt(weak.length);
        bigEndian.asIntBuffer().put(weak);
        bigEndian.position(bigEndian.position() + weak.length * 4);
        bigEndian.put(strong);
        out.position(bigEndian.position());
    }

    /** @return the unit size in bytes */
    public int unitSize() {
        return unitSize;
    }

    /** @return the package's length in bytes */
    public long length() {
        return length;
    }

    /** @return how many units, {@code ceil(length / unitSize)} */
    public int unitCount() {
        return weak.length;
    }

    /**
     * @param unit unit index
     * @return the unit's first byte in the package
     */
    public long offsetOf(int unit) {
        Objects.checkIndex(unit, weak.length);
        return (long) unit * unitSize;
    }

    /**
     * @param unit unit index
     * @return the unit's length: the unit size, or less for the last unit
     */
    public int lengthOf(int unit) {
        return (int) Math.min(unitSize, length - offsetOf(unit));
    }

    /**
     * @param unit unit index
     * @return the unit's weak checksum, over {@link #lengthOf(int)} bytes
     */
    public int weakOf(int unit) {
        return weak[Objects.checkIndex(unit, weak.length)];
    }

    /**
     * @param unit unit index
     * @param sha256 a SHA-256 digest (or at least its first {@value #STRONG_LENGTH} bytes)
     * @return whether it is the digest of the unit's bytes, as far as the strong hash tells
     */
    public boolean strongMatches(int unit, byte[] sha256) {
        int at = Objects.checkIndex(unit, weak.length) * STRONG_LENGTH;
        return Arrays.equals(strong, at, at + STRONG_LENGTH, sha256, 0, STRONG_LENGTH);
    }

    /**
     * @param a a unit index
     * @param b another
     * @return whether their strong hashes are equal: the same content, as far as the strong hash tells
     */
    public boolean sameStrong(int a, int b) {
        int at = Objects.checkIndex(a, weak.length) * STRONG_LENGTH;
        int bt = Objects.checkIndex(b, weak.length) * STRONG_LENGTH;
        return Arrays.equals(strong, at, at + STRONG_LENGTH, strong, bt, bt + STRONG_LENGTH);
    }

    /**
     * @param unit unit index
     * @return a copy of the unit's strong hash, {@value #STRONG_LENGTH} bytes
     */
    public byte[] strongOf(int unit) {
        int at = Objects.checkIndex(unit, weak.length) * STRONG_LENGTH;
        return Arrays.copyOfRange(strong, at, at + STRONG_LENGTH);
    }

    private static void checkUnitSize(int unitSize) {
        if (unitSize < MIN_UNIT_SIZE || unitSize > MAX_UNIT_SIZE || Integer.bitCount(unitSize) != 1) {
            throw new IllegalArgumentException("delta unit size must be a power of two from "
                    + MIN_UNIT_SIZE + " to " + MAX_UNIT_SIZE + ", got " + unitSize);
        }
    }

    private static int unitCount(long length, int unitSize) {
        long count = length / unitSize + (length % unitSize == 0 ? 0 : 1);
        if (count > MAX_UNITS) {
            throw new IllegalArgumentException("a package of " + length + " bytes has " + count
                    + " delta units of " + unitSize + " bytes, more than the " + MAX_UNITS
                    + " an index holds; use larger units");
        }
        return (int) count;
    }

    private static void fill(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException(file + " shrank while its delta index was computed");
            }
        }
    }
}
