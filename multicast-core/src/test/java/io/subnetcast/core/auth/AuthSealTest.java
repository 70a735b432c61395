package io.subnetcast.core.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.auth.DatagramOpener.Outcome;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Sealing and opening datagrams: tampering, replays, reordering, wrong keys, bad lengths. */
class AuthSealTest {
    static final SessionKey KEY = SessionKey.of(bytes(32, 1));
    static final SessionKey OTHER = SessionKey.of(bytes(32, 2));

    static byte[] bytes(int length, long seed) {
        byte[] out = new byte[length];
        new SplittableRandom(seed).nextBytes(out);
        return out;
    }

    /** A plain data datagram with a 1400-byte payload. */
    static byte[] plainData(int sequence) {
        ByteBuf plain = Unpooled.buffer();
        DataHeader.write(plain, 0, 1400, 77L, 1, 2, 0, sequence);
        plain.writeBytes(bytes(1400, sequence));
        return ByteBufUtil.getBytes(plain);
    }

    /** Seals a plain datagram the way the engine does: header, datagram, tag, in one pooled buffer. */
    static byte[] seal(DatagramSealer sealer, byte[] plain) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(SealedHeader.OVERHEAD + plain.length);
        try {
            int start = sealer.begin(out);
            out.writeBytes(plain);
            sealer.finish(out, start);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** Opens a copy in a pooled direct buffer; returns the inner datagram or null, and the outcome. */
    static Outcome open(DatagramOpener opener, byte[] sealed, byte[][] inner) {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(sealed.length + 5);
        try {
            in.writeBytes(new byte[5]).readerIndex(5); // not at index 0, as after a header strip
            in.writeBytes(sealed);
            Outcome outcome = opener.open(in);
            if (inner != null) {
                inner[0] = outcome == Outcome.OPENED ? ByteBufUtil.getBytes(in) : null;
            }
            return outcome;
        } finally {
            in.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsAndTheBytesOnTheWireShowOnlyWhatTheyShould(boolean encrypt) {
        DatagramSealer sealer = new DatagramSealer(KEY, encrypt);
        DatagramOpener opener = new DatagramOpener(KEY, 8);
        byte[] plain = plainData(9);
        byte[] sealed = seal(sealer, plain);
        assertEquals(plain.length + SealedHeader.OVERHEAD, sealed.length);
        assertEquals(Envelope.Kind.SEALED, Envelope.classify(Unpooled.wrappedBuffer(sealed)));
        byte[] carried = Arrays.copyOfRange(sealed, SealedHeader.LENGTH, SealedHeader.LENGTH + plain.length);
        assertEquals(!encrypt, Arrays.equals(plain, carried), "payload in clear exactly when not encrypting");
        byte[][] inner = new byte[1][];
        assertEquals(Outcome.OPENED, open(opener, sealed, inner));
        assertArrayEquals(plain, inner[0]);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyTamperedByteIsRefused(boolean encrypt) {
        DatagramSealer sealer = new DatagramSealer(KEY, encrypt);
        byte[] sealed = seal(sealer, plainData(1)); // 1476 bytes: every one of them flipped in turn
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= (byte) (1 << (i % 8));
            DatagramOpener opener = new DatagramOpener(KEY, 8);
            assertEquals(Outcome.FORGED, open(opener, tampered, null), "byte " + i + " flipped");
        }
        assertEquals(Outcome.OPENED, open(new DatagramOpener(KEY, 8), sealed, null));
    }

    @Test
    void aReplayIsRefusedEvenAfterTheWindowMovedOn() {
        DatagramSealer sealer = new DatagramSealer(KEY, true);
        DatagramOpener opener = new DatagramOpener(KEY, 8);
        byte[] first = seal(sealer, plainData(0));
        assertEquals(Outcome.OPENED, open(opener, first, null));
        assertEquals(Outcome.REPLAYED, open(opener, first, null));
        for (int i = 1; i < 200; i++) {
            assertEquals(Outcome.OPENED, open(opener, seal(sealer, plainData(i)), null));
        }
        assertEquals(Outcome.REPLAYED, open(opener, first, null), "older than the window");
    }

    @Test
    void reorderedWithinTheWindowIsAcceptedOnceAndTooOldIsRefused() {
        DatagramSealer sealer = new DatagramSealer(KEY, false);
        DatagramOpener opener = new DatagramOpener(KEY, 8);
        byte[][] sent = new byte[100][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = seal(sealer, plainData(i));
        }
        assertEquals(Outcome.OPENED, open(opener, sent[70], null));
        for (int i = 69; i >= 70 - ReplayWindow.SIZE + 1; i--) {
            assertEquals(Outcome.OPENED, open(opener, sent[i], null), "reordered " + i);
            assertEquals(Outcome.REPLAYED, open(opener, sent[i], null), "again " + i);
        }
        assertEquals(Outcome.REPLAYED, open(opener, sent[70 - ReplayWindow.SIZE], null), "just outside the window");
        assertEquals(Outcome.OPENED, open(opener, sent[99], null));
        assertEquals(Outcome.OPENED, open(opener, sent[71], null), "still inside after a jump of 29");
    }

    @Test
    void eachSenderHasItsOwnWindowAndItsOwnKey() {
        DatagramSealer a = new DatagramSealer(KEY, true, 1);
        DatagramSealer b = new DatagramSealer(KEY, true, 2);
        DatagramOpener opener = new DatagramOpener(KEY, 8);
        byte[] fromA = seal(a, plainData(0));
        byte[] fromB = seal(b, plainData(0));
        // Same key, same sequence number 0, same plaintext: different ciphertext, since the AES keys differ.
        assertFalse(Arrays.equals(Arrays.copyOfRange(fromA, SealedHeader.LENGTH, fromA.length),
                Arrays.copyOfRange(fromB, SealedHeader.LENGTH, fromB.length)));
        assertEquals(Outcome.OPENED, open(opener, fromA, null));
        assertEquals(Outcome.OPENED, open(opener, fromB, null));
        // Sender id swapped in the header: the receiver derives the wrong key and the tag fails.
        byte[] spoofed = fromA.clone();
        System.arraycopy(fromB, SealedHeader.SENDER_OFFSET, spoofed, SealedHeader.SENDER_OFFSET, Long.BYTES);
        spoofed[SealedHeader.SEQUENCE_OFFSET + 7] = 5;
        assertEquals(Outcome.FORGED, open(opener, spoofed, null));
    }

    @Test
    void aWrongKeyIsRefused() {
        byte[] sealed = seal(new DatagramSealer(OTHER, false), plainData(0));
        assertEquals(Outcome.FORGED, open(new DatagramOpener(KEY, 8), sealed, null), "other key id");
        // The same key id (a collision, or a forger copying it) with the wrong key: the tag decides.
        System.arraycopy(Unpooled.copyInt(KEY.keyId()).array(), 0, sealed, SealedHeader.KEY_ID_OFFSET, 4);
        assertEquals(Outcome.FORGED, open(new DatagramOpener(KEY, 8), sealed, null), "same id, other key");
    }

    @Test
    void truncatedPaddedAndEmptyDatagramsAreRefusedWithoutException() {
        byte[] sealed = seal(new DatagramSealer(KEY, true), plainData(0));
        for (int length = 0; length < sealed.length; length += length < 60 ? 1 : 97) {
            byte[] cut = Arrays.copyOf(sealed, length);
            if (length >= SealedHeader.LENGTH) {
                assertEquals(Outcome.FORGED, open(new DatagramOpener(KEY, 8), cut, null), "truncated to " + length);
            }
        }
        assertEquals(Outcome.FORGED, open(new DatagramOpener(KEY, 8), Arrays.copyOf(sealed, sealed.length + 1), null));
        assertEquals(Outcome.FORGED, open(new DatagramOpener(KEY, 8), Arrays.copyOf(sealed, 70_000), null));
        DatagramGuard guard = new DatagramGuard();
        guard.addKey(KEY);
        for (int length = 0; length < 60; length++) {
            byte[] junk = Arrays.copyOf(sealed, length);
            ByteBuf buffer = Unpooled.wrappedBuffer(junk);
            DatagramGuard.Verdict verdict = guard.open(buffer);
            assertNotEquals(DatagramGuard.Verdict.AUTHENTIC, verdict, "length " + length);
        }
        assertTrue(guard.counters().get(AuthCounter.FORGED) > 0);
    }

    @Test
    void theGuardLetsPlainDatagramsReachOnlyTasksWithoutAKey() {
        DatagramGuard guard = new DatagramGuard();
        guard.addKey(KEY);
        byte[] plain = plainData(0);
        assertEquals(DatagramGuard.Verdict.PLAIN, guard.open(Unpooled.wrappedBuffer(plain)));
        assertTrue(guard.admits(null));
        assertFalse(guard.admits(KEY));
        assertEquals(1, guard.counters().get(AuthCounter.UNAUTHENTICATED));

        ByteBuf sealed = Unpooled.wrappedBuffer(seal(new DatagramSealer(KEY, true), plain));
        assertEquals(DatagramGuard.Verdict.AUTHENTIC, guard.open(sealed));
        assertArrayEquals(plain, ByteBufUtil.getBytes(sealed));
        assertTrue(guard.admits(SessionKey.of(bytes(32, 1))), "an equal key from another source");
        assertFalse(guard.admits(null), "a keyless task does not take sealed datagrams");
        assertFalse(guard.admits(OTHER));

        ByteBuf unknown = Unpooled.wrappedBuffer(seal(new DatagramSealer(OTHER, true), plain));
        assertEquals(DatagramGuard.Verdict.DROPPED, guard.open(unknown));
        assertEquals(1, guard.counters().get(AuthCounter.UNKNOWN_KEY));
        guard.removeKey(KEY);
        ByteBuf later = Unpooled.wrappedBuffer(seal(new DatagramSealer(KEY, true), plain));
        assertEquals(DatagramGuard.Verdict.DROPPED, guard.open(later), "key gone with its last task");
    }

    @Test
    void keysAreValidatedDerivedAndNeverPrinted() {
        assertThrows(IllegalArgumentException.class, () -> SessionKey.of(new byte[24]));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.of(null));
        byte[] raw = bytes(16, 3);
        String hex = ByteBufUtil.hexDump(raw);
        assertEquals(SessionKey.of(raw), SessionKey.decode(raw));
        assertEquals(SessionKey.of(raw), SessionKey.decode((" " + hex.toUpperCase() + "\n").getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.decode("abc".getBytes(StandardCharsets.US_ASCII)));
        // 31 digits and a line end are 32 bytes: a mistyped hex key, not a raw one.
        assertThrows(IllegalArgumentException.class, () -> SessionKey.decode(
                (hex.substring(1) + "\n").getBytes(StandardCharsets.US_ASCII)));
        assertFalse(KEY.toString().contains(ByteBufUtil.hexDump(bytes(32, 1)).substring(0, 8)));
        assertNotEquals(KEY.keyId(), OTHER.keyId());
        assertNotEquals(KEY.peerAuthorization("a"), KEY.peerAuthorization("b"));
        assertNotEquals(KEY.peerAuthorization("a"), OTHER.peerAuthorization("a"));
        assertTrue(KEY.peerAuthorization("a").matches("Subnetcast [0-9a-f]{64}"));
        DatagramGuard guard = new DatagramGuard();
        guard.addKey(KEY);
        guard.addKey(KEY);
        guard.removeKey(KEY);
        assertEquals(DatagramGuard.Verdict.AUTHENTIC,
                guard.open(Unpooled.wrappedBuffer(seal(new DatagramSealer(KEY, false), plainData(0)))),
                "still in use by a second task");
    }
}
