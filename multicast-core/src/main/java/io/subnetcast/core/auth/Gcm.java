package io.subnetcast.core.auth;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One reusable AES-GCM cipher, its nonce buffer and a scratch array, confined to one thread:
 * {@code Cipher.getInstance} is far too slow for every datagram, and a cipher is not thread-safe.
 *
 * <p>Datagrams go through the scratch array rather than as direct {@code ByteBuffer}s: the JDK 17
 * GCM copies direct buffers into fresh arrays of its own (additional data and ciphertext alike),
 * which measured 3 to 5 KiB of garbage per 1.4 KB datagram; one copy into a reused array costs far
 * less than the cipher itself (see {@code AuthBenchmark}).
 */
final class Gcm {
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Nonce length: the 96 bits GCM is specified for (NIST SP 800-38D section 8.2). */
    static final int NONCE_LENGTH = 12;

    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private byte[] scratch = new byte[2048];

    Gcm() {
        try {
            this.cipher = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + TRANSFORMATION, e); // every Java SE runtime has it
        }
    }

    /**
     * Readies the cipher for one datagram. The nonce is four zero bytes and the 64-bit sequence
     * number: unique because every sender has its own key and never repeats a sequence number.
     *
     * @param mode {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}
     * @param key the sender's key
     * @param sequence the datagram's sequence number
     * @return the cipher
     * @throws GeneralSecurityException if the JDK refuses the key or nonce
     */
    /**
     * @param length bytes needed
     * @return the reused scratch array, at least that long
     */
    byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        return scratch;
    }

    Cipher init(int mode, SecretKeySpec key, long sequence) throws GeneralSecurityException {
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[NONCE_LENGTH - 1 - i] = (byte) (sequence >>> (8 * i));
        }
        // GCMParameterSpec copies the nonce; the JCE offers no way around this one small allocation.
        cipher.init(mode, key, new GCMParameterSpec(SealedHeader.TAG_LENGTH * Byte.SIZE, nonce));
        return cipher;
    }
}
