package io.subnetcast.core.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A task's secret key (AES-128 or AES-256 material, from the management system that issued the
 * task) and the keys derived from it with HKDF-SHA256 (RFC 5869):
 * <ul>
 *   <li>{@link #keyId()}: 32 bits that name the key on the wire, so that a receiver finds the key
 *       of a sealed datagram without trying every key it holds; not secret;</li>
 *   <li>{@link #senderKey(long)}: the AES key one sender seals with (see the package documentation
 *       for why every sender has its own);</li>
 *   <li>{@link #peerAuthorization(String)}: what a peer shows a block server to be served a task's blocks.</li>
 *   <li>{@link #manifestTag(String, byte[])}: what a block server appends to a task's manifest.</li>
 * </ul>
 * Immutable and thread-safe. {@link #toString()} never shows the material; {@link #equals} compares
 * it in constant time.
 */
public final class SessionKey {
    /** Accepted lengths of key material in bytes. */
    public static final int AES_128 = 16;
    /** Accepted lengths of key material in bytes. */
    public static final int AES_256 = 32;

    private static final byte[] SALT = "subnetcast/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_ID_INFO = "key id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SENDER_INFO = "sender".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEER_INFO = "peer repair ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MANIFEST_INFO = "manifest ".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of {@link #manifestTag}. */
    public static final int MANIFEST_TAG_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";

    private final byte[] material;
    private final byte[] pseudoRandomKey;
    private final int keyId;

    private SessionKey(byte[] material) {
        this.material = material;
        this.pseudoRandomKey = hmac(SALT, material);
        this.keyId = ByteBuffer.wrap(expand(KEY_ID_INFO)).getInt();
    }

    /**
     * @param material 16 or 32 bytes of secret; copied
     * @return the key
     * @throws IllegalArgumentException for another length
     */
    public static SessionKey of(byte[] material) {
        if (material == null || (material.length != AES_128 && material.length != AES_256)) {
            throw new IllegalArgumentException("a session key has " + AES_128 + " or " + AES_256 + " bytes, got "
                    + (material == null ? "none" : material.length));
        }
        return new SessionKey(material.clone());
    }

    /**
     * Reads a key as a key file holds it: 32 or 64 hexadecimal digits (surrounding white space
     * ignored), or else 16 or 32 raw bytes. Content made only of hex digits and white space is
     * always read as hex, so that a mistyped hex key is refused rather than taken as raw bytes
     * (a random raw key looks like that with a chance below 2^-50).
     *
     * @param content the file's bytes
     * @return the key
     * @throws IllegalArgumentException with a one-line reason for anything else
     */
    public static SessionKey decode(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1).strip();
        if (!text.isEmpty() && text.chars().allMatch(c -> isHex(c) || Character.isWhitespace(c))) {
            if ((text.length() == 2 * AES_128 || text.length() == 2 * AES_256) && text.chars().allMatch(SessionKey::isHex)) {
                return of(HexFormat.of().parseHex(text));
            }
            throw new IllegalArgumentException("a hex key must be 32 or 64 hex digits on one line, got " + text.length()
                    + " characters");
        }
        if (content.length == AES_128 || content.length == AES_256) {
            return of(content);
        }
        throw new IllegalArgumentException("a key must be 16 or 32 raw bytes or 32 or 64 hex digits, got "
                + content.length + " bytes");
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** @return 32 bits naming this key on the wire; two different keys may share one (rarely) */
    public int keyId() {
        return keyId;
    }

    /** @return the material's length: 16 or 32 */
    public int length() {
        return material.length;
    }

    /**
     * The AES key of one sender: HKDF-Expand(PRK, "sender" | senderId) truncated to the material's
     * length. Each sender seals under its own key, so that its 64-bit sequence number alone is a
     * unique GCM nonce.
     *
     * @param senderId the sender's random 64-bit id, as sent in the sealed header
     * @return the AES key
     */
    public SecretKeySpec senderKey(long senderId) {
        byte[] info = Arrays.copyOf(SENDER_INFO, SENDER_INFO.length + Long.BYTES);
        ByteBuffer.wrap(info, SENDER_INFO.length, Long.BYTES).putLong(senderId);
        byte[] okm = expand(info);
        SecretKeySpec spec = new SecretKeySpec(okm, 0, material.length, "AES");
        Arrays.fill(okm, (byte) 0);
        return spec;
    }

    /**
     * The {@code Authorization} value a block server expects from peers for a task:
     * {@code Subnetcast <64 hex digits>}, the digits being HKDF-Expand(PRK, "peer repair " | task id).
     * It is a bearer token: it proves that the asker holds the key (or has seen the token on the wire;
     * peer-repair HTTP is not encrypted), and it is good for that one task only.
     *
     * @param taskId the task whose blocks are asked for
     * @return the value
     */
    public String peerAuthorization(String taskId) {
        byte[] task = taskId.getBytes(StandardCharsets.UTF_8);
        byte[] info = Arrays.copyOf(PEER_INFO, PEER_INFO.length + task.length);
        System.arraycopy(task, 0, info, PEER_INFO.length, task.length);
        return "Subnetcast " + HexFormat.of().formatHex(expand(info));
    }

    /**
     * The tag a block server appends to a task's manifest over HTTP: HMAC-SHA256 under
     * HKDF-Expand(PRK, "manifest " | task id). Peer-repair HTTP is neither sealed nor encrypted, so
     * without it a host in the path could swap the hashes a member then checks repaired blocks against.
     *
     * @param taskId the task
     * @param hashes the manifest: the SHA-256 of every block, concatenated
     * @return {@link #MANIFEST_TAG_LENGTH} bytes
     */
    public byte[] manifestTag(String taskId, byte[] hashes) {
        byte[] task = taskId.getBytes(StandardCharsets.UTF_8);
        byte[] info = Arrays.copyOf(MANIFEST_INFO, MANIFEST_INFO.length + task.length);
        System.arraycopy(task, 0, info, MANIFEST_INFO.length, task.length);
        byte[] key = expand(info);
        try {
            return hmac(key, hashes);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** HKDF-Expand for one block of output (RFC 5869 section 2.3, L = 32): HMAC(PRK, info | 0x01). */
    private byte[] expand(byte[] info) {
        byte[] input = Arrays.copyOf(info, info.length + 1);
        input[info.length] = 1;
        return hmac(pseudoRandomKey, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + HMAC, e); // every Java SE runtime has it
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionKey that && keyId == that.keyId && MessageDigest.isEqual(material, that.material);
    }

    @Override
    public int hashCode() {
        return keyId;
    }

    @Override
    public String toString() {
        return "SessionKey[AES-" + material.length * 8 + ", id " + String.format("%08x", keyId) + "]";
    }
}
