package io.subnetcast.core.cache;

/**
 * How a package of {@code length} bytes is cut into blocks of {@code blockSize} bytes: the last
 * block may be shorter. All offsets are {@code long}, so packages beyond 4 GiB work; the block
 * count must fit an {@code int}.
 */
public final class BlockLayout {
    /** Smallest block size accepted. */
    public static final int MIN_BLOCK_SIZE = 1024;
    /** Largest block size accepted: a block is read back whole to be hashed. */
    public static final int MAX_BLOCK_SIZE = 64 * 1024 * 1024;
    /** Default block size: 1 MiB, the unit of verification and of peer repair. */
    public static final int DEFAULT_BLOCK_SIZE = 1024 * 1024;

    private final long length;
    private final int blockSize;
    private final int blockCount;

    /**
     * Creates a layout.
     *
     * @param length package length in bytes, zero or more
     * @param blockSize block size in bytes, between {@link #MIN_BLOCK_SIZE} and {@link #MAX_BLOCK_SIZE}
     * @throws IllegalArgumentException if a value is out of range or the block count exceeds an int
     */
    public BlockLayout(long length, int blockSize) {
        if (length < 0) {
            throw new IllegalArgumentException("package length must not be negative: " + length);
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("block size must be between " + MIN_BLOCK_SIZE + " and "
                    + MAX_BLOCK_SIZE + " bytes: " + blockSize);
        }
        long count = length / blockSize + (length % blockSize == 0 ? 0 : 1);
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("package of " + length + " bytes needs too many blocks of "
                    + blockSize + " bytes");
        }
        this.length = length;
        this.blockSize = blockSize;
        this.blockCount = (int) count;
    }

    /** @return the package length in bytes */
    public long length() {
        return length;
    }

    /** @return the nominal block size in bytes */
    public int blockSize() {
        return blockSize;
    }

    /** @return the number of blocks; zero for an empty package */
    public int blockCount() {
        return blockCount;
    }

    /**
     * @param index a block index
     * @return the offset of the block's first byte
     */
    public long offsetOf(int index) {
        checkIndex(index);
        return (long) index * blockSize;
    }

    /**
     * @param index a block index
     * @return the number of bytes in the block (the last one may be short)
     */
    public int lengthOf(int index) {
        checkIndex(index);
        long offset = (long) index * blockSize;
        return (int) Math.min(blockSize, length - offset);
    }

    /**
     * @param offset a byte offset inside the package
     * @return the index of the block holding that byte
     */
    public int indexOf(long offset) {
        if (offset < 0 || offset >= length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside package of " + length + " bytes");
        }
        return (int) (offset / blockSize);
    }

    /**
     * @param index a value from the network or a caller
     * @return true if it names a block of this layout
     */
    public boolean isValidIndex(int index) {
        return index >= 0 && index < blockCount;
    }

    private void checkIndex(int index) {
        if (!isValidIndex(index)) {
            throw new IndexOutOfBoundsException("block " + index + " outside 0.." + (blockCount - 1));
        }
    }

    @Override
    public String toString() {
        return length + " bytes in " + blockCount + " blocks of " + blockSize;
    }
}
