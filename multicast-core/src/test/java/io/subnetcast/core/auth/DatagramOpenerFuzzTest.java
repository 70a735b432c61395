package io.subnetcast.core.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import io.subnetcast.core.wire.Envelope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link DatagramGuard#open} (and so {@link DatagramOpener}) with a stream of honest sealed
 * datagrams from three senders interleaved with replays, bit flips, truncations, padding and raw
 * bytes under the right key id. Honest ones must open to exactly what was sealed; nothing else may
 * ever be admitted to the keyed task, and nothing may throw.
 * Input: operations until the input ends, each an op byte and its arguments.
 */
class DatagramOpenerFuzzTest {
    private static final SessionKey KEY = SessionKey.of(new byte[] {
        3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5});

    @FuzzTest
    void open(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        DatagramGuard guard = new DatagramGuard(2); // two remembered senders of three: eviction happens
        guard.addKey(KEY);
        DatagramSealer[] senders = {new DatagramSealer(KEY, false, 1), new DatagramSealer(KEY, true, 2),
            new DatagramSealer(KEY, true, 3)};
        List<byte[]> sent = new ArrayList<>();
        for (int op = 0; op < 64 && in.hasMore(); op++) {
            switch (in.choose(6)) {
                case 0 -> {
                    byte[] inner = withEnvelope(in.bytes(in.u16() % 1500));
                    byte[] sealed = seal(senders[in.choose(senders.length)], inner);
                    sent.add(sealed);
                    assertArrayEquals(inner, openAdmitted(guard, sealed), "an honest datagram must open");
                }
                case 1 -> {
                    if (!sent.isEmpty()) {
                        // An exact replay is refused; only if its sender was evicted meanwhile (the
                        // documented limit of a bounded sender table) is it taken once more, never twice.
                        byte[] again = sent.get(in.u16() % sent.size());
                        if (guard.open(wrap(again)) != DatagramGuard.Verdict.DROPPED) {
                            assertEquals(DatagramGuard.Verdict.DROPPED, guard.open(wrap(again)), "replayed twice");
                        }
                    }
                }
                case 2 -> {
                    if (!sent.isEmpty()) {
                        byte[] flipped = sent.get(in.u16() % sent.size()).clone();
                        int at = in.u16() % flipped.length;
                        int bits = 1 + in.u8() % 255;
                        flipped[at] ^= (byte) bits;
                        refused(guard, flipped);
                    }
                }
                case 3 -> {
                    if (!sent.isEmpty()) {
                        byte[] whole = sent.get(in.u16() % sent.size());
                        int length = in.u16() % (whole.length + 40);
                        byte[] resized = java.util.Arrays.copyOf(whole, length);
                        if (length != whole.length) {
                            refused(guard, resized);
                        }
                    }
                }
                case 4 -> {
                    // Raw bytes behind a sealed envelope and the right key id: a forger's best start.
                    byte[] body = in.bytes(in.u16() % 1600);
                    ByteBuf forged = Unpooled.buffer();
                    Envelope.write(forged, Envelope.TYPE_SEALED);
                    forged.writeInt(KEY.keyId()).writeBytes(body);
                    refused(guard, ByteBufUtil.getBytes(forged));
                }
                default -> refused(guard, in.bytes(in.u8()));
            }
        }
    }

    private static byte[] openAdmitted(DatagramGuard guard, byte[] sealed) {
        ByteBuf buffer = wrap(sealed);
        assertEquals(DatagramGuard.Verdict.AUTHENTIC, guard.open(buffer));
        assertTrue(guard.admits(KEY));
        return ByteBufUtil.getBytes(buffer);
    }

    /** Anything but an honest, fresh datagram: never admitted to the keyed task, never thrown on. */
    private static void refused(DatagramGuard guard, byte[] bytes) {
        DatagramGuard.Verdict verdict = guard.open(wrap(bytes));
        assertNotEquals(DatagramGuard.Verdict.AUTHENTIC, verdict, "a tampered datagram opened");
        if (verdict == DatagramGuard.Verdict.PLAIN) {
            assertFalse(guard.admits(KEY), "a plain datagram was admitted to a keyed task");
        }
    }

    private static ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes.clone()); // opening decrypts in place: never the original
    }

    private static byte[] withEnvelope(byte[] body) {
        ByteBuf out = Unpooled.buffer();
        Envelope.write(out, Envelope.TYPE_CONTROL);
        out.writeBytes(body);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] seal(DatagramSealer sealer, byte[] inner) {
        ByteBuf out = Unpooled.buffer();
        int start = sealer.begin(out);
        out.writeBytes(inner);
        sealer.finish(out, start);
        return ByteBufUtil.getBytes(out);
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/auth/DatagramOpenerFuzzTestInputs/open");
        // Three honest datagrams (one per sender), a replay, a flip in the tag, a flip in the header,
        // a truncation, a forged body under the right key id, and junk.
        new Seed().u8(0).u16(40).bytes(new byte[40]).u8(0)
                .u8(0).u16(1400).bytes(new byte[1400]).u8(1)
                .u8(0).u16(3).bytes(new byte[] {1, 2, 3}).u8(2)
                .u8(1).u16(1)
                .u8(2).u16(0).u16(70).u8(1)
                .u8(2).u16(1).u16(22).u8(0x80)
                .u8(3).u16(2).u16(30)
                .u8(4).u16(60).bytes(new byte[60])
                .u8(5).u8(8).bytes(new byte[] {0x53, 0x43, 1, 3, 0, 0, 0, 0})
                .writeTo(inputs, "honest-replayed-tampered");
        Seed many = new Seed();
        for (int i = 0; i < 40; i++) {
            many.u8(0).u16(10 + i).bytes(new byte[10 + i]).u8(i % 3);
            many.u8(1).u16(i / 2);
        }
        many.writeTo(inputs, "three-senders-and-replays");
    }
}
