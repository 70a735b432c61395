package io.subnetcast.core.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the datagrams of one sender under a task's key, in place:
 * <pre>{@code
 * int start = sealer.begin(out);        // sealed header
 * DataHeader.write(out, ...);           // the plain datagram, as without a key
 * out.writeBytes(payload);
 * sealer.finish(out, start);            // encrypts or authenticates it, appends the tag
 * }</pre>
 *
 * <p>Each sealer draws a random 64-bit sender id from {@link SecureRandom} and seals under the key
 * {@link SessionKey#senderKey derived} for that id, with its own sequence number as nonce. A
 * restarted agent, or two agents configured with the same node id, therefore never reuse a nonce
 * under one AES key, which would break GCM's confidentiality and authenticity; the only way to
 * collide is two sealers drawing the same 64-bit id (about 2^-64 per pair). The representative's
 * epoch is deliberately not part of the nonce: members send too, and epochs restart.
 *
 * <p>Not thread-safe: one sealer per sending thread.
 */
public final class DatagramSealer {
    private static final SecureRandom IDS = new SecureRandom();

    private final int keyId;
    private final SecretKeySpec senderKey;
    private final long senderId;
    private final boolean encrypt;
    private final Gcm gcm = new Gcm();
    private long sequence;

    /**
     * @param key the task's key
     * @param encrypt whether inner datagrams are encrypted (else authenticated only)
     */
    public DatagramSealer(SessionKey key, boolean encrypt) {
        this(key, encrypt, IDS.nextLong());
    }

    /**
     * @param key the task's key
     * @param encrypt whether inner datagrams are encrypted
     * @param senderId the sender id; must be random and never reused with this key (tests)
     */
    DatagramSealer(SessionKey key, boolean encrypt, long senderId) {
        this.keyId = key.keyId();
        this.senderKey = key.senderKey(senderId);
        this.senderId = senderId;
        this.encrypt = encrypt;
    }

    /** @return this sender's id */
    public long senderId() {
        return senderId;
    }

    /** @return whether inner datagrams are encrypted */
    public boolean encrypts() {
        return encrypt;
    }

    /**
     * Writes the sealed header with the next sequence number at the writer index; the caller then
     * writes the plain datagram and calls {@link #finish}.
     *
     * @param out a buffer with room for the header, the datagram and {@link SealedHeader#TAG_LENGTH}
     * @return the index where the sealed datagram starts, for {@link #finish}
     */
    public int begin(ByteBuf out) {
        int start = out.writerIndex();
        SealedHeader.write(out, keyId, encrypt ? SealedHeader.FLAG_ENCRYPTED : 0, senderId, sequence++);
        return start;
    }

    /**
     * Seals what was written since {@link #begin}: encrypts it (or takes it as authenticated data)
     * and appends the tag.
     *
     * @param out the buffer {@link #begin} wrote to; must be one contiguous memory region
     * @param start what {@link #begin} returned
     * @throws IllegalStateException if the JDK's AES-GCM fails, which it does not for valid input
     */
    public void finish(ByteBuf out, int start) {
        int length = out.writerIndex() - start;
        int innerLength = length - SealedHeader.LENGTH;
        byte[] bytes = gcm.scratch(length + SealedHeader.TAG_LENGTH);
        out.getBytes(start, bytes, 0, length);
        try {
            Cipher cipher = gcm.init(Cipher.ENCRYPT_MODE, senderKey, out.getLong(start + SealedHeader.SEQUENCE_OFFSET));
            if (encrypt) {
                cipher.updateAAD(bytes, 0, SealedHeader.LENGTH);
                // In place in the scratch array: the cipher is copy-safe for the same array.
                cipher.doFinal(bytes, SealedHeader.LENGTH, innerLength, bytes, SealedHeader.LENGTH);
                out.setBytes(start + SealedHeader.LENGTH, bytes, SealedHeader.LENGTH, innerLength);
            } else {
                cipher.updateAAD(bytes, 0, length);
                cipher.doFinal(bytes, length);
            }
            out.writeBytes(bytes, length, SealedHeader.TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal a datagram", e);
        }
    }

    /**
     * Seals a whole plain datagram into a new buffer; for control datagrams, which are rare.
     *
     * @param allocator where the sealed datagram comes from
     * @param plain the plain datagram from its reader index; released by this call
     * @return the sealed datagram, owned by the caller
     */
    public ByteBuf seal(ByteBufAllocator allocator, ByteBuf plain) {
        ByteBuf out = null;
        try {
            out = allocator.directBuffer(SealedHeader.OVERHEAD + plain.readableBytes());
            int start = begin(out);
            out.writeBytes(plain, plain.readerIndex(), plain.readableBytes());
            finish(out, start);
            ByteBuf sealed = out;
            out = null;
            return sealed;
        } finally {
            plain.release();
            if (out != null) {
                out.release();
            }
        }
    }
}
