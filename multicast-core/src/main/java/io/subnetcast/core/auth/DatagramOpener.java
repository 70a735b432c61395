package io.subnetcast.core.auth;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.wire.Envelope;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the sealed datagrams of one key: checks the header, refuses replays, verifies the tag, and
 * decrypts in place. Never throws on hostile input.
 *
 * <p>It remembers up to {@code maxSenders} senders (their derived key and replay window); beyond
 * that the sender heard from least recently is forgotten. A forgotten sender's old datagrams could
 * then be replayed once, so the bound should exceed the agents that share a key on a subnet (the
 * default, 1024, does). Only authentic datagrams add or refresh senders: forgeries cannot evict
 * anyone.
 *
 * <p>Not thread-safe: one opener per receiving thread.
 */
public final class DatagramOpener {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramOpener.class);
    /** Default number of senders remembered per key. */
    public static final int DEFAULT_MAX_SENDERS = 1024;
    private static final int FLAGS_MASK = SealedHeader.FLAG_ENCRYPTED << 24;

    /** What became of a datagram. */
    public enum Outcome {
        /** Authentic and fresh: the datagram's indexes now frame the plain inner datagram. */
        OPENED,
        /** Malformed, of another key, or its tag does not verify. */
        FORGED,
        /** Authentic but already received, or older than the replay window. */
        REPLAYED
    }

    /** What is kept per sender. */
    private static final class Sender {
        final SecretKeySpec key;
        final ReplayWindow window = new ReplayWindow();

        Sender(SecretKeySpec key) {
            this.key = key;
        }
    }

    private final SessionKey key;
    private final Map<Long, Sender> senders;
    private final Gcm gcm = new Gcm();
    // Most datagrams come from the representative: remembering the last sender spares a map lookup
    // (and the boxing of its id) per datagram.
    private long lastSenderId;
    private Sender lastSender;

    /**
     * @param key the key
     * @param maxSenders senders remembered, at least 1
     */
    public DatagramOpener(SessionKey key, int maxSenders) {
        if (maxSenders < 1) {
            throw new IllegalArgumentException("maxSenders must be at least 1: " + maxSenders);
        }
        this.key = key;
        this.senders = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Sender> eldest) {
                return size() > maxSenders;
            }
        };
    }

    /** @return the key this opener opens */
    public SessionKey key() {
        return key;
    }

    /**
     * Opens a datagram in place. On {@link Outcome#OPENED} the datagram's reader and writer indexes
     * frame the inner (plain) datagram; otherwise its indexes are as they were and its bytes may
     * have been overwritten.
     *
     * @param datagram a datagram classified as {@link Envelope.Kind#SEALED}; a read-only one is refused
     * @return what became of it
     */
    public Outcome open(ByteBuf datagram) {
        int start = datagram.readerIndex();
        int innerStart = start + SealedHeader.LENGTH;
        int innerLength = datagram.readableBytes() - SealedHeader.OVERHEAD;
        if (innerLength < Envelope.LENGTH || SealedHeader.keyId(datagram) != key.keyId()
                || (SealedHeader.flagsWord(datagram) & ~FLAGS_MASK) != 0 || datagram.isReadOnly()) {
            return Outcome.FORGED;
        }
        long senderId = SealedHeader.senderId(datagram);
        long sequence = SealedHeader.sequence(datagram);
        if (sequence < 0) {
            return Outcome.FORGED; // a sender counts up from zero and never gets this far
        }
        Sender sender = sender(senderId);
        if (sender != null && !sender.window.isFresh(sequence)) {
            return Outcome.REPLAYED;
        }
        SecretKeySpec senderKey = sender != null ? sender.key : key.senderKey(senderId);
        boolean encrypted = (SealedHeader.flagsWord(datagram) & FLAGS_MASK) != 0;
        int length = datagram.readableBytes();
        byte[] bytes = gcm.scratch(length);
        datagram.getBytes(start, bytes, 0, length);
        try {
            Cipher cipher = gcm.init(Cipher.DECRYPT_MODE, senderKey, sequence);
            if (encrypted) {
                cipher.updateAAD(bytes, 0, SealedHeader.LENGTH);
                // In place in the scratch array; the plaintext is copied back only once the tag verified.
                cipher.doFinal(bytes, SealedHeader.LENGTH, innerLength + SealedHeader.TAG_LENGTH, bytes, SealedHeader.LENGTH);
                datagram.setBytes(innerStart, bytes, SealedHeader.LENGTH, innerLength);
            } else {
                cipher.updateAAD(bytes, 0, SealedHeader.LENGTH + innerLength);
                cipher.doFinal(bytes, length - SealedHeader.TAG_LENGTH, SealedHeader.TAG_LENGTH, bytes, 0);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // AEADBadTagException for a forgery; anything else the JDK says about junk is the same.
            LOG.trace("sealed datagram from sender {} refused: {}", Long.toHexString(senderId), e.toString());
            return Outcome.FORGED;
        }
        if (sender == null) {
            sender = new Sender(senderKey);
            senders.put(senderId, sender);
        }
        sender.window.accept(sequence);
        lastSenderId = senderId;
        lastSender = sender;
        datagram.setIndex(innerStart, innerStart + innerLength);
        return Outcome.OPENED;
    }

    private Sender sender(long senderId) {
        if (lastSender != null && lastSenderId == senderId) {
            return lastSender;
        }
        return senders.get(senderId);
    }
}
