package io.subnetcast.core.delta;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The new version's blocks as its trusted manifest names them: where a basis holds a whole block
 * in order, one SHA-256 of the block checks all its units at once (see {@link BasisScanner}).
 */
public interface TrustedBlocks {
    /** @return the block size in bytes: a multiple of the unit size */
    int blockSize();

    /**
     * @param block block index
     * @param sha256 a SHA-256 of {@code block}'s length of bytes
     * @return whether it is the block's trusted SHA-256
     */
    boolean matches(int block, byte[] sha256);

    /**
     * @param blockSize the block size
     * @param expected block index to its trusted SHA-256, or to null where none is known
     * @return blocks that match where their digest equals the one expected
     */
    static TrustedBlocks of(int blockSize, IntFunction<byte[]> expected) {
        return new TrustedBlocks() {
            @Override
            public int blockSize() {
                return blockSize;
            }

            @Override
            public boolean matches(int block, byte[] sha256) {
                return Arrays.equals(expected.apply(block), sha256);
            }
        };
    }
}
