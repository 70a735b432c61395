package io.subnetcast.core.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 helpers: every block and every package is identified by one. */
public final class BlockHashes {
    /** Length of a SHA-256 digest in bytes. */
    public static final int SHA256_LENGTH = 32;

    private BlockHashes() {
    }

    /** @return a new SHA-256 digest; every JDK has one */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Parses a SHA-256 given as 64 hexadecimal digits, as users and task systems write it.
     *
     * @param hex the digest in hexadecimal, either case
     * @return the 32 bytes
     * @throws IllegalArgumentException with a clear reason when it is not 64 hex digits
     */
    public static byte[] parseSha256(String hex) {
        if (hex == null || hex.length() != SHA256_LENGTH * 2) {
            throw new IllegalArgumentException("a SHA-256 is 64 hexadecimal digits, got "
                    + (hex == null ? "nothing" : hex.length() + " characters"));
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a SHA-256 is 64 hexadecimal digits, got '"
                    + CacheNames.printable(hex) + "'", e);
        }
    }

    /**
     * @param sha256 a digest
     * @return it in lower-case hexadecimal
     */
    public static String toHex(byte[] sha256) {
        return HexFormat.of().formatHex(sha256);
    }

    /** Compares a digest with the digest stored at {@code offset} of a packed array of digests. */
    static boolean equalsAt(byte[] digest, byte[] packed, int offset) {
        return Arrays.equals(digest, 0, SHA256_LENGTH, packed, offset, offset + SHA256_LENGTH);
    }
}
