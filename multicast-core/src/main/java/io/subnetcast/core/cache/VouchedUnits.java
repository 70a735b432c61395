package io.subnetcast.core.cache;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * The delta units of a cache entry that a strong hash from the trusted manifest vouched for, in
 * blocks not verified whole yet: what an agent found of the package in its basis files (older
 * versions). A peer may serve these spans before their blocks are complete, so that a
 * representative without the older version takes them from the member that holds it rather than
 * from the origin; the receiver still checks every block by its SHA-256 before it counts.
 *
 * <p>Immutable. On the wire (a block server's {@code /units-held} answer) it is the unit size as a
 * 4-byte big-endian integer followed by one bit per unit of the package, least significant bit first.
 */
public final class VouchedUnits {
    /** Smallest unit size accepted from a peer, as the manifest's delta units. */
    public static final int MIN_UNIT_SIZE = 512;
    /** Most units, as a manifest may name: a bitmap of them fits an array. */
    private static final long MAX_UNITS = Integer.MAX_VALUE - 7L;

    private final int unitSize;
    private final long length;
    private final BitSet units;

    /**
     * @param unitSize the delta unit size: a power of two of at least {@value #MIN_UNIT_SIZE}
     * @param length the package length
     * @param units the vouched units (copied)
     */
    public VouchedUnits(int unitSize, long length, BitSet units) {
        if (unitSize < MIN_UNIT_SIZE || Integer.bitCount(unitSize) != 1 || length < 0) {
            throw new IllegalArgumentException("unit size " + unitSize + ", length " + length);
        }
        if (units.length() > unitCount(unitSize, length)) {
            throw new IllegalArgumentException("unit " + (units.length() - 1) + " lies past the package's end");
        }
        this.unitSize = unitSize;
        this.length = length;
        this.units = (BitSet) units.clone();
    }

    /** @return the unit size in bytes */
    public int unitSize() {
        return unitSize;
    }

    /**
     * @param start first byte
     * @param endExclusive end of the span
     * @return whether every unit the non-empty span touches inside the package is vouched for
     */
    public boolean covers(long start, long endExclusive) {
        if (start < 0 || endExclusive > length || start >= endExclusive) {
            return false;
        }
        int first = (int) (start / unitSize);
        int end = (int) ((endExclusive - 1) / unitSize) + 1;
        return units.nextClearBit(first) >= end;
    }

    /** @return the wire form */
    public byte[] encode() {
        byte[] bitmap = units.toByteArray();
        int bitmapLength = (unitCount(unitSize, length) + 7) / 8;
        return ByteBuffer.allocate(Integer.BYTES + bitmapLength).putInt(unitSize).put(bitmap).array();
    }

    /**
     * Reads a peer's answer, which is hostile until checked: its unit size must be a power of two
     * that divides the entry's block size, and its bitmap exactly as long as the package needs.
     *
     * @param bytes the answer
     * @param layout the entry's layout
     * @return the units, or null when the answer does not fit the layout
     */
    public static VouchedUnits decode(byte[] bytes, BlockLayout layout) {
        if (bytes == null || bytes.length < Integer.BYTES) {
            return null;
        }
        int unitSize = ByteBuffer.wrap(bytes).getInt();
        if (unitSize < MIN_UNIT_SIZE || Integer.bitCount(unitSize) != 1 || unitSize > layout.blockSize()
                || layout.blockSize() % unitSize != 0) {
            return null;
        }
        long count = (layout.length() + unitSize - 1) / unitSize;
        if (count > MAX_UNITS || bytes.length != Integer.BYTES + (count + 7) / 8) {
            return null;
        }
        BitSet units = BitSet.valueOf(ByteBuffer.wrap(bytes, Integer.BYTES, bytes.length - Integer.BYTES));
        if (units.length() > count) {
            return null;
        }
        return new VouchedUnits(unitSize, layout.length(), units);
    }

    /**
     * @param length the package length
     * @return the most bytes a well-formed answer can have (with the smallest units)
     */
    public static long maxEncodedLength(long length) {
        return Integer.BYTES + ((length + MIN_UNIT_SIZE - 1) / MIN_UNIT_SIZE + 7) / 8;
    }

    private static int unitCount(int unitSize, long length) {
        long count = (length + unitSize - 1) / unitSize;
        if (count > MAX_UNITS) {
            throw new IllegalArgumentException(length + " bytes are too many units of " + unitSize);
        }
        return (int) count;
    }
}
