package io.subnetcast.core.delta;

import java.security.DigestException;
import java.security.MessageDigest;

/** The strong hash of a unit: SHA-256 into a caller's reused array, so that hashing allocates nothing. */
final class UnitHashes {
    private UnitHashes() {
    }

    /**
     * @param sha a SHA-256 digest, reset on return
     * @param bytes the unit's bytes
     * @param offset first byte
     * @param length how many
     * @param out receives the 32-byte digest at index 0
     */
    static void digest(MessageDigest sha, byte[] bytes, int offset, int length, byte[] out) {
        sha.update(bytes, offset, length);
        try {
            sha.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 digest array too short", e);
        }
    }
}
