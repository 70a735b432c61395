package io.subnetcast.core.auth;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.wire.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a receiver runs before its decoders: opens sealed datagrams with the keys of its tasks and
 * decides which task may see what.
 * <pre>{@code
 * if (guard.open(datagram) == Verdict.DROPPED) return;   // forged, replayed or unknown key: counted
 * Control message = ControlCodec.decode(datagram);        // the inner datagram, as if never sealed
 * if (guard.admits(task.key())) agent.onControl(message, now);
 * }</pre>
 * A task with a key sees only datagrams sealed with that key; a task without one sees only plain
 * datagrams, exactly as before keys existed. Not thread-safe: the receiving thread owns it.
 */
public final class DatagramGuard {
    /** What {@link #open} found. */
    public enum Verdict {
        /** Not sealed: passed on unchanged, for tasks without a key. */
        PLAIN,
        /** Sealed, authentic and fresh: the datagram's indexes now frame the inner datagram. */
        AUTHENTIC,
        /** Sealed and refused; counted. */
        DROPPED
    }

    /** A key in use and how many tasks use it. */
    private static final class KeyEntry {
        final DatagramOpener opener;
        int users;

        KeyEntry(DatagramOpener opener) {
            this.opener = opener;
        }
    }

    // A list, not a map: an engine runs a handful of tasks, and a scan boxes nothing per datagram.
    private final List<KeyEntry> keys = new ArrayList<>();
    private final AuthCounters counters = new AuthCounters();
    private final int maxSendersPerKey;
    private Verdict lastVerdict = Verdict.PLAIN;
    private SessionKey lastKey;

    /** A guard remembering {@link DatagramOpener#DEFAULT_MAX_SENDERS} senders per key. */
    public DatagramGuard() {
        this(DatagramOpener.DEFAULT_MAX_SENDERS);
    }

    /** @param maxSendersPerKey senders remembered per key, for their replay windows */
    public DatagramGuard(int maxSendersPerKey) {
        this.maxSendersPerKey = maxSendersPerKey;
    }

    /** @return the drop counters */
    public AuthCounters counters() {
        return counters;
    }

    /**
     * Starts accepting datagrams sealed with a key; call once per task that uses it.
     *
     * @param key the task's key
     * @throws IllegalArgumentException if a different key with the same key id is in use (about one
     *     chance in 2^32; the management system should issue another key)
     */
    public void addKey(SessionKey key) {
        Objects.requireNonNull(key, "key");
        KeyEntry entry = find(key.keyId());
        if (entry != null && !entry.opener.key().equals(key)) {
            throw new IllegalArgumentException("another key with id " + String.format("%08x", key.keyId())
                    + " is in use on this engine; use another key");
        }
        if (entry == null) {
            entry = new KeyEntry(new DatagramOpener(key, maxSendersPerKey));
            keys.add(entry);
        }
        entry.users++;
    }

    /**
     * Undoes one {@link #addKey}; the key (and its replay state) is forgotten with its last task.
     *
     * @param key the key
     */
    public void removeKey(SessionKey key) {
        KeyEntry entry = find(key.keyId());
        if (entry != null && entry.opener.key().equals(key) && --entry.users == 0) {
            keys.remove(entry);
        }
    }

    /**
     * Opens a datagram if it is sealed; a plain one is left as it is.
     *
     * @param datagram a received datagram
     * @return what it is; {@link Verdict#DROPPED} ones are counted and must not be looked at further
     */
    public Verdict open(ByteBuf datagram) {
        lastKey = null;
        lastVerdict = verdict(datagram);
        return lastVerdict;
    }

    private Verdict verdict(ByteBuf datagram) {
        if (Envelope.classify(datagram) != Envelope.Kind.SEALED) {
            return Verdict.PLAIN;
        }
        if (datagram.readableBytes() < SealedHeader.LENGTH) {
            counters.increment(AuthCounter.FORGED);
            return Verdict.DROPPED;
        }
        KeyEntry entry = find(SealedHeader.keyId(datagram));
        if (entry == null) {
            counters.increment(AuthCounter.UNKNOWN_KEY);
            return Verdict.DROPPED;
        }
        switch (entry.opener.open(datagram)) {
            case OPENED -> {
                lastKey = entry.opener.key();
                return Verdict.AUTHENTIC;
            }
            case REPLAYED -> counters.increment(AuthCounter.REPLAYED);
            default -> counters.increment(AuthCounter.FORGED);
        }
        return Verdict.DROPPED;
    }

    /**
     * Decides whether the datagram last passed to {@link #open} may reach a task, and counts a
     * refusal of an unauthenticated datagram addressed to a task with a key.
     *
     * @param taskKey the task's key, or null for a task without one
     * @return true if the task may act on it
     */
    public boolean admits(SessionKey taskKey) {
        if (taskKey == null) {
            return lastVerdict == Verdict.PLAIN;
        }
        if (lastVerdict == Verdict.AUTHENTIC && taskKey.equals(lastKey)) {
            return true;
        }
        counters.increment(AuthCounter.UNAUTHENTICATED);
        return false;
    }

    private KeyEntry find(int keyId) {
        for (int i = 0; i < keys.size(); i++) {
            KeyEntry entry = keys.get(i);
            if (entry.opener.key().keyId() == keyId) {
                return entry;
            }
        }
        return null;
    }
}
