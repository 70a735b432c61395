package io.subnetcast.core.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Claim;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Discover;
import io.subnetcast.core.wire.proto.End;
import io.subnetcast.core.wire.proto.Have;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.SessionPhase;
import io.subnetcast.core.wire.proto.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fuzzes every control message handler and the data handler of {@link SessionAgent}, as a member
 * of an honest session and as the representative, with a stream of hostile events: structured
 * control messages of every body type with extreme field values, raw protobuf, raw and structured
 * data datagrams, floods of node ids, honest chunks and manifests in between, and time passing.
 * After every event {@link AgentHarness#checkProtocolInvariants()} must hold, and at the end of the
 * input {@link AgentHarness#checkInvariants()}. Input layout: see
 * {@link #step}; {@link #main} writes the seeds.
 */
class SessionAgentFuzzTest {
    /** Steps per input at most, so that one input stays quick. */
    private static final int MAX_STEPS = 64;

    @FuzzTest
    void member(byte[] input) throws IOException {
        run(input, true);
    }

    @FuzzTest
    void representative(byte[] input) throws IOException {
        run(input, false);
    }

    private static void run(byte[] bytes, boolean member) throws IOException {
        FuzzInput in = new FuzzInput(bytes);
        int packageLength = 1 + in.u16() % (12 * AgentHarness.BLOCK_SIZE);
        Path root = FuzzInput.scratchDirectory("session-fuzz");
        try (AgentHarness h = member ? AgentHarness.member(root, packageLength)
                : AgentHarness.representative(root, packageLength)) {
            h.checkInvariants();
            for (int steps = 0; steps < MAX_STEPS && in.hasMore(); steps++) {
                step(h, in);
                h.checkProtocolInvariants();
            }
            h.checkInvariants();
        }
    }

    /** One event: the first byte chooses its kind, the following bytes fill it. */
    static void step(AgentHarness h, FuzzInput in) {
        switch (in.choose(9)) {
            case 0 -> h.deliver(control(h, in));
            case 1 -> {
                // Raw protobuf after a valid envelope; routed like the engine routes it.
                byte[] body = in.lengthPrefixed();
                byte[] datagram = new byte[Envelope.LENGTH + body.length];
                datagram[0] = (byte) (Envelope.MAGIC >>> 8);
                datagram[1] = (byte) Envelope.MAGIC;
                datagram[2] = Envelope.VERSION;
                datagram[3] = Envelope.TYPE_CONTROL;
                System.arraycopy(body, 0, datagram, Envelope.LENGTH, body.length);
                h.deliverDatagram(datagram);
            }
            case 2 -> {
                int flags = in.u8();
                long session = in.bool() ? AgentHarness.SESSION : in.i64();
                int epoch = in.bool() ? AgentHarness.LEADER_EPOCH : in.i32();
                int block = intValue(h, in);
                int offset = in.bool() ? in.u8() % 4 * AgentHarness.CHUNK : intValue(h, in);
                byte[] payload = in.bytes(in.u16() % 2048);
                if (in.bool()) {
                    h.deliverData(flags, session, epoch, block, offset, payload);
                } else {
                    // A header that lies about the payload length.
                    h.deliverDatagram(AgentHarness.dataDatagram(flags, in.u16(), session, epoch, block, offset, payload));
                }
            }
            case 3 -> h.deliverDatagram(in.lengthPrefixed());
            case 4 -> h.advance(Duration.ofMillis(in.u16()));
            case 5 -> h.deliverTrueChunk(in.u8() % h.layout.blockCount(), in.u8() % 2);
            case 6 -> h.deliver(h.trueManifest(in.u8() % h.layout.blockCount(), 1 + in.u8() % 32));
            case 7 -> {
                // A flood: the same message from many node ids.
                Control message = control(h, in);
                int count = in.u8() * 4;
                long firstNode = in.i64();
                for (int i = 0; i < count; i++) {
                    h.deliver(message.toBuilder().setNodeId(firstNode + i).build());
                }
            }
            case 8 -> {
                // Everything the honest leader says, so that the session moves on.
                SessionPhase phase = SessionPhase.forNumber(in.u8() % 5);
                h.deliver(h.beacon(phase == null ? SessionPhase.PHASE_SENDING : phase).build());
            }
            default -> throw new IllegalStateException();
        }
    }

    /** A control message of this task with a body of any type and hostile field values. */
    static Control control(AgentHarness h, FuzzInput in) {
        Control.Builder message = Control.newBuilder().setTaskId(AgentHarness.TASK_ID).setNodeId(nodeId(in))
                .setEpoch(epochValue(in));
        switch (in.choose(9)) {
            case 0 -> message.setDiscover(Discover.getDefaultInstance());
            case 1 -> message.setClaim(Claim.newBuilder().setPriority(in.i32()).setBytesHeld(in.i64()));
            case 2 -> message.setBeacon(beacon(h, in));
            case 3 -> {
                Manifest.Builder manifest = Manifest.newBuilder().setSessionId(sessionId(in)).setFirstBlock(intValue(h, in));
                int count = in.u8() % 40;
                ByteArrayOutputStream hashes = new ByteArrayOutputStream();
                for (int i = 0; i < count; i++) {
                    int block = (manifest.getFirstBlock() + i);
                    boolean honest = in.bool() && block >= 0 && block < h.layout.blockCount();
                    hashes.writeBytes(honest ? h.trueHash(block) : in.bytes(32));
                }
                hashes.writeBytes(in.bytes(in.u8() % 40)); // a ragged tail, sometimes
                message.setManifest(manifest.setBlockSha256(ByteString.copyFrom(hashes.toByteArray())));
            }
            case 4 -> message.setStatus(Status.newBuilder().setSessionId(sessionId(in)).setBytesHeld(in.i64())
                    .setComplete(in.bool()).setRepairUrl(url(in)).setLossFraction(in.i32()));
            case 5 -> {
                Nak.Builder nak = Nak.newBuilder().setSessionId(sessionId(in)).setRound(in.bool());
                int ranges = in.u8() % 130;
                for (int i = 0; i < ranges; i++) {
                    nak.addRanges(ChunkRange.newBuilder().setBlock(intValue(h, in)).setOffset(intValue(h, in))
                            .setLength(intValue(h, in)));
                }
                message.setNak(nak);
            }
            case 6 -> message.setEnd(End.newBuilder().setSessionId(sessionId(in)));
            case 7 -> message.setHave(Have.newBuilder().setSessionId(sessionId(in)).setRepairUrl(url(in))
                    .setComplete(in.bool()).setFirstBlock(intValue(h, in)).setHeld(ByteString.copyFrom(in.bytes(in.u16() % 9000)))
                    .setBlockCount(intValue(h, in)));
            default -> {
                // No body: an unknown message type from a newer release.
            }
        }
        return message.build();
    }

    private static Beacon.Builder beacon(AgentHarness h, FuzzInput in) {
        Beacon.Builder beacon = h.beacon(SessionPhase.PHASE_SENDING).getBeacon().toBuilder();
        int fields = in.u8();
        if ((fields & 1) != 0) {
            beacon.setSessionId(sessionId(in));
        }
        if ((fields & 2) != 0) {
            beacon.setPhaseValue(in.u8() % 7);
        }
        if ((fields & 4) != 0) {
            beacon.setPackageLength(in.bool() ? in.i64() : in.u16() * (long) in.u16());
        }
        if ((fields & 8) != 0) {
            beacon.setBlockSize(in.bool() ? in.i32() : in.u16());
        }
        if ((fields & 16) != 0) {
            beacon.setChunkSize(in.bool() ? in.i32() : in.u16());
        }
        if ((fields & 32) != 0) {
            beacon.setDataGroup(ByteString.copyFrom(in.bytes(in.u8() % 20))).setDataPort(in.i32());
        }
        if ((fields & 64) != 0) {
            beacon.setRepairUrl(url(in)).setContentIdentity(new String(in.bytes(in.u16() % 1100), StandardCharsets.UTF_8));
        }
        if ((fields & 128) != 0) {
            beacon.setPriority(in.i32()).setMembersKnown(in.i32()).setMembersComplete(in.i32())
                    .setStartDelayRemainingMs(in.i64()).setNextBlock(in.i32()).setBytesHeld(in.i64())
                    .setPackageSha256(ByteString.copyFrom(in.bytes(in.u8() % 40)));
        }
        return beacon;
    }

    private static long nodeId(FuzzInput in) {
        return switch (in.choose(5)) {
            case 0 -> AgentHarness.LEADER;
            case 1 -> AgentHarness.SELF;
            case 2 -> 3 + in.u8();
            default -> in.i64();
        };
    }

    private static int epochValue(FuzzInput in) {
        return switch (in.choose(5)) {
            case 0 -> AgentHarness.LEADER_EPOCH;
            case 1 -> 0;
            case 2 -> AgentHarness.LEADER_EPOCH + 1;
            case 3 -> -1;
            default -> in.i32();
        };
    }

    private static long sessionId(FuzzInput in) {
        return in.choose(4) == 0 ? in.i64() : AgentHarness.SESSION;
    }

    /** Block indexes, offsets and lengths: in range, at the edges, or anything. */
    private static int intValue(AgentHarness h, FuzzInput in) {
        return switch (in.choose(8)) {
            case 0 -> in.u8() % Math.max(1, h.layout.blockCount());
            case 1 -> h.layout.blockCount() - 1 + in.u8() % 3;
            case 2 -> -1 - in.u8();
            case 3 -> Integer.MAX_VALUE - in.u8();
            case 4 -> Integer.MIN_VALUE + in.u8();
            case 5 -> in.u8() * AgentHarness.CHUNK;
            default -> in.i32();
        };
    }

    private static String url(FuzzInput in) {
        return switch (in.choose(5)) {
            case 0 -> "";
            case 1 -> "http://198.18.0." + in.u8() + ":8080/t/" + AgentHarness.TASK_ID;
            case 2 -> "x".repeat(in.u16() % 4000);
            default -> new String(in.bytes(in.u8()), StandardCharsets.ISO_8859_1);
        };
    }

    // ---------------------------------------------------------------- seeds

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/session/SessionAgentFuzzTestInputs");
        int length = 5 * AgentHarness.BLOCK_SIZE - 120;

        // Member: the honest transfer, manifest first, then the end of the pass: publishes.
        Seed honest = new Seed().u16(length - 1);
        for (int block = 0; block < 5; block++) {
            honest.u8(6).u8(block).u8(0).u8(5).u8(block).u8(0).u8(5).u8(block).u8(1);
        }
        honest.u8(8).u8(4).u8(4).u16(3000).writeTo(inputs.resolve("member"), "honest-transfer");

        // Member: wrong hashes for every block from the leader, then the true chunks (refused),
        // then the true manifest and the chunks again.
        Seed poisoned = new Seed().u16(length - 1).u8(0).u8(0).u8(0).u8(3).u8(1).u8(0).u8(0).u8(5);
        for (int block = 0; block < 5; block++) {
            poisoned.u8(0).bytes(new byte[32]);
        }
        poisoned.u8(0);
        for (int block = 0; block < 5; block++) {
            poisoned.u8(5).u8(block).u8(0).u8(5).u8(block).u8(1);
        }
        poisoned.u8(6).u8(0).u8(4);
        for (int block = 0; block < 5; block++) {
            poisoned.u8(5).u8(block).u8(0).u8(5).u8(block).u8(1);
        }
        poisoned.writeTo(inputs.resolve("member"), "poisoned-manifest");

        // Member: the pass ends, repair starts, and a flood of advertisements from fresh node ids.
        new Seed().u16(length - 1).u8(8).u8(4).u8(4).u16(1500)
                .u8(7).u8(3).i64(0).u8(1).u8(7).u8(1).u8(1).u8(1).u8(0).u8(0).u8(0).u16(1).u8(0xff).u8(0).u8(5)
                .u8(255).i64(1000).u8(4).u16(10)
                .writeTo(inputs.resolve("member"), "have-flood-in-repair");

        // Member: headers that lie (negative block, offset past the block, length past the datagram).
        new Seed().u16(length - 1)
                .u8(2).u8(0).u8(1).u8(1).u8(2).u8(0).u8(1).u8(1).u16(100).bytes(new byte[100]).u8(1)
                .u8(2).u8(1).u8(1).u8(1).u8(0).u8(1).u8(0).u8(3).u8(0).u16(516).bytes(new byte[516]).u8(1)
                .u8(2).u8(0).u8(1).u8(1).u8(0).u8(1).u8(1).u8(0).u16(16).bytes(new byte[16]).u8(0).u16(0xffff)
                .writeTo(inputs.resolve("member"), "lying-data-headers");

        // Member: a beacon of another layout from a stranger with a higher epoch, as raw protobuf.
        byte[] stranger = AgentHarness.control(99, 7).setBeacon(Beacon.newBuilder().setSessionId(5)
                .setPhase(SessionPhase.PHASE_SENDING).setPackageLength(1L << 40).setBlockSize(1 << 16).setChunkSize(1400)
                .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 1, 1})).setDataPort(9))
                .build().toByteArray();
        new Seed().u16(length - 1).u8(1).lengthPrefixed(stranger).u8(4).u16(100)
                .writeTo(inputs.resolve("member"), "stranger-beacon-huge-package");

        // Representative: a NAK flood for whole blocks from many node ids, then time to send.
        Seed nakFlood = new Seed().u16(length - 1).u8(7).u8(3).i64(0).u8(0).u8(5).u8(1).u8(0).u8(129);
        for (int range = 0; range < 129; range++) {
            nakFlood.u8(0).u8(range % 5).u8(5).u8(0).u8(3).u8(0);
        }
        nakFlood.u8(255).i64(50).u8(4).u16(2000).writeTo(inputs.resolve("representative"), "nak-flood");

        // Representative: status reports claiming completion from a flood of node ids.
        new Seed().u16(length - 1).u8(7).u8(3).i64(0).u8(1).u8(4).u8(1).i64(Long.MAX_VALUE).u8(1).u8(0).i32(-1)
                .u8(255).i64(7).u8(4).u16(11_000)
                .writeTo(inputs.resolve("representative"), "status-flood");

        // Representative: a better claim, a beacon of a higher epoch that is refused, a discover.
        new Seed().u16(length - 1).u8(0).u8(2).u8(9).u8(2).u8(1).i32(-1).i64(-1)
                .u8(0).u8(2).u8(9).u8(2).u8(2).u8(32).u8(3).bytes(new byte[] {1, 2, 3}).i32(0)
                .u8(0).u8(2).u8(9).u8(0).u8(0).u8(4).u16(600)
                .writeTo(inputs.resolve("representative"), "claims-and-beacons");
    }
}
