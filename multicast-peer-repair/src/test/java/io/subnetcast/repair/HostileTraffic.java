package io.subnetcast.repair;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
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
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stranger on the loopback LAN: it listens to the control group and, once it heard a beacon, to
 * the session's data group, and sends a bounded number of datagrams built from what it heard —
 * replays, bit flips, truncations, extensions, junk behind a valid envelope, control messages with
 * made-up node ids and task ids, data headers with indexes and lengths out of range. Loopback only;
 * every loop is bounded in count and time.
 */
final class HostileTraffic implements AutoCloseable {
    /** Kinds of datagram sent, for the report. */
    static final String[] KINDS = {"replay", "bit flip", "truncated", "extended", "junk", "unknown task",
        "forged control", "forged data"};

    private final NetworkInterface lo;
    private final InetSocketAddress controlGroup;
    private final String taskId;
    private final boolean semanticForgeries;
    private final SplittableRandom random;
    private final DatagramChannel control;
    // Sends from its own port, so that what the listeners hear from it can be told apart.
    private final DatagramChannel sender;
    private final int senderPort;
    private DatagramChannel data;
    private InetSocketAddress dataGroup;
    private long sessionId;
    private long leaderNode;
    private int leaderEpoch;
    private final List<byte[]> heardControl = new ArrayList<>();
    private final List<byte[]> heardData = new ArrayList<>();
    private final ByteBuffer receive = ByteBuffer.allocate(65_536);
    private final ByteBuffer send = ByteBuffer.allocateDirect(65_536);
    final long[] sentByKind = new long[KINDS.length];
    long sent;

    /**
     * @param controlGroup the engines' control group
     * @param taskId the task under attack
     * @param semanticForgeries whether to send well-formed control messages with made-up node ids
     *     for the real task (claims, beacons, ends, NAKs, haves); an unauthenticated session has to
     *     believe some of them, so only an authenticated one is expected to shrug them all off
     * @param seed random seed
     */
    HostileTraffic(InetSocketAddress controlGroup, String taskId, boolean semanticForgeries, long seed) throws IOException {
        this.lo = NetworkInterface.getByName("lo");
        this.controlGroup = controlGroup;
        this.taskId = taskId;
        this.semanticForgeries = semanticForgeries;
        this.random = new SplittableRandom(seed);
        this.control = openJoined(controlGroup);
        this.sender = DatagramChannel.open(StandardProtocolFamily.INET)
                .setOption(StandardSocketOptions.IP_MULTICAST_IF, lo)
                .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.senderPort = ((InetSocketAddress) sender.getLocalAddress()).getPort();
    }

    private DatagramChannel openJoined(InetSocketAddress group) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)
                .setOption(StandardSocketOptions.SO_REUSEADDR, true)
                .setOption(StandardSocketOptions.IP_MULTICAST_IF, lo)
                .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true)
                .bind(new InetSocketAddress(group.getPort()));
        channel.configureBlocking(false);
        channel.join(group.getAddress(), lo);
        return channel;
    }

    /** Reads what arrived; learns the session and joins its data group from the first beacon. */
    void listen() throws IOException {
        byte[] datagram;
        for (int i = 0; i < 256 && (datagram = read(control)) != null; i++) {
            if (datagram.length == 0) {
                continue;
            }
            keep(heardControl, datagram);
            if (data == null) {
                Control message = decode(datagram);
                if (message != null && message.hasBeacon() && message.getTaskId().equals(taskId)
                        && message.getBeacon().getDataGroup().size() == 4) {
                    Beacon beacon = message.getBeacon();
                    sessionId = beacon.getSessionId();
                    leaderNode = message.getNodeId();
                    leaderEpoch = message.getEpoch();
                    dataGroup = new InetSocketAddress(InetAddress.getByAddress(beacon.getDataGroup().toByteArray()),
                            beacon.getDataPort());
                    data = openJoined(dataGroup);
                }
            }
        }
        for (int i = 0; data != null && i < 256 && (datagram = read(data)) != null; i++) {
            if (datagram.length > 0) {
                keep(heardData, datagram);
            }
        }
    }

    /** @return whether the session's data group is known, so data can be attacked too */
    boolean knowsSession() {
        return data != null && !heardData.isEmpty();
    }

    /** @return the next datagram, an empty array for our own or an empty one, null when none is waiting */
    private byte[] read(DatagramChannel channel) throws IOException {
        receive.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(receive);
        if (from == null) {
            return null;
        }
        receive.flip();
        if (from.getPort() == senderPort) {
            return new byte[0];
        }
        byte[] bytes = new byte[receive.remaining()];
        receive.get(bytes);
        return bytes;
    }

    private void keep(List<byte[]> samples, byte[] datagram) {
        if (samples.size() < 512) {
            samples.add(datagram);
        } else {
            samples.set(random.nextInt(samples.size()), datagram);
        }
    }

    /** Sends one hostile datagram to the control or the data group. */
    void sendOne() throws IOException {
        int kind = random.nextInt(KINDS.length);
        if (kind == 6 && !semanticForgeries) {
            kind = 5;
        }
        boolean toData = knowsSession() && random.nextBoolean();
        List<byte[]> samples = toData ? heardData : heardControl;
        if (samples.isEmpty() && kind < 4) {
            kind = 4;
        }
        if (kind == 7 && sessionId == 0) {
            kind = 5;
        }
        send.clear();
        switch (kind) {
            case 0 -> send.put(pick(samples));
            case 1 -> {
                byte[] copy = pick(samples).clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                send.put(copy);
            }
            case 2 -> {
                byte[] original = pick(samples);
                send.put(original, 0, random.nextInt(original.length));
            }
            case 3 -> {
                send.put(pick(samples));
                junk(1 + random.nextInt(600));
            }
            case 4 -> {
                send.putShort((short) Envelope.MAGIC).put((byte) Envelope.VERSION)
                        .put((byte) (toData ? Envelope.TYPE_DATA : Envelope.TYPE_CONTROL));
                junk(random.nextInt(1400));
            }
            case 5 -> {
                put(Control.newBuilder().setTaskId("flood-" + random.nextInt(1_000_000)).setNodeId(random.nextLong())
                        .setDiscover(Discover.getDefaultInstance()).build());
                toData = false;
            }
            case 6 -> {
                put(forgedControl());
                toData = false;
            }
            default -> {
                forgedData();
                toData = true;
            }
        }
        send.flip();
        if (!toData && !semanticForgeries && kind >= 1 && kind <= 4 && namesTheTask(send)) {
            // A mutated control message that still parses and names the task is a forgery an
            // unauthenticated session cannot tell from the real thing: send it for another task.
            send.clear();
            put(Control.newBuilder().setTaskId("mutated-" + random.nextInt(1000)).setNodeId(random.nextLong())
                    .setDiscover(Discover.getDefaultInstance()).build());
            send.flip();
        }
        sender.send(send, toData ? dataGroup : controlGroup);
        sentByKind[kind]++;
        sent++;
    }

    private boolean namesTheTask(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.duplicate().get(bytes);
        Control message = decode(bytes);
        return message != null && message.getTaskId().equals(taskId);
    }

    private Control forgedControl() {
        // Half of them in the name of the representative, in its own term.
        boolean asLeader = random.nextBoolean();
        Control.Builder message = Control.newBuilder().setTaskId(taskId)
                .setNodeId(asLeader ? leaderNode : random.nextLong()).setEpoch(asLeader ? leaderEpoch : random.nextInt(4));
        switch (random.nextInt(8)) {
            case 0 -> message.setClaim(Claim.newBuilder().setPriority(random.nextInt()).setBytesHeld(random.nextLong()));
            case 1 -> message.setBeacon(Beacon.newBuilder().setSessionId(random.nextBoolean() ? sessionId : random.nextLong())
                    .setPhase(SessionPhase.forNumber(random.nextInt(5))).setPackageLength(random.nextLong())
                    .setBlockSize(random.nextInt()).setChunkSize(random.nextInt(2000))
                    .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 9, 9})).setDataPort(9));
            case 2 -> message.setEnd(End.newBuilder().setSessionId(sessionId));
            case 3 -> message.setNak(Nak.newBuilder().setSessionId(sessionId)
                    .addRanges(ChunkRange.newBuilder().setBlock(random.nextInt(300)).setLength(1 << 20)));
            case 4 -> message.setHave(Have.newBuilder().setSessionId(sessionId).setComplete(random.nextBoolean())
                    .setRepairUrl("http://127.0.0.1:" + (1 + random.nextInt(1023)) + "/t/" + taskId)
                    .setHeld(ByteString.copyFrom(new byte[] {-1, -1})));
            case 5 -> message.setStatus(Status.newBuilder().setSessionId(sessionId).setComplete(true)
                    .setBytesHeld(random.nextLong()).setLossFraction(random.nextInt()));
            case 6 -> {
                byte[] hashes = new byte[32 * 4];
                random.nextBytes(hashes);
                message.setManifest(Manifest.newBuilder().setSessionId(sessionId).setFirstBlock(random.nextInt(300))
                        .setBlockSha256(ByteString.copyFrom(hashes)));
            }
            default -> message.setDiscover(Discover.getDefaultInstance());
        }
        return message.build();
    }

    private void forgedData() {
        int length = random.nextInt(1400);
        ByteBuf header = Unpooled.wrappedBuffer(new byte[DataHeader.LENGTH]).clear();
        DataHeader.write(header, random.nextInt(4), random.nextBoolean() ? length : random.nextInt(),
                random.nextInt(8) == 0 ? random.nextLong() : sessionId, random.nextInt(4),
                random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(300), random.nextInt(1 << 20), random.nextInt());
        send.put(header.nioBuffer());
        header.release();
        junk(length);
    }

    private void put(Control message) {
        ByteBuf encoded = ControlCodec.encode(Unpooled.buffer().alloc(), message);
        try {
            send.put(encoded.nioBuffer());
        } finally {
            encoded.release();
        }
    }

    private void junk(int bytes) {
        for (int i = 0; i < bytes && send.hasRemaining(); i++) {
            send.put((byte) random.nextInt(256));
        }
    }

    private byte[] pick(List<byte[]> samples) {
        return samples.get(random.nextInt(samples.size()));
    }

    /**
     * Decodes a control datagram; an authenticated (not encrypted) sealed one is read inside, as an
     * eavesdropper can: it learns the session, it cannot forge a tag.
     */
    private static Control decode(byte[] datagram) {
        ByteBuf buffer = Unpooled.wrappedBuffer(datagram);
        try {
            if (Envelope.classify(buffer) == Envelope.Kind.SEALED && buffer.readableBytes() > SealedHeader.OVERHEAD
                    && (buffer.getUnsignedByte(8) & SealedHeader.FLAG_ENCRYPTED) == 0) {
                buffer.setIndex(SealedHeader.LENGTH, buffer.writerIndex() - SealedHeader.TAG_LENGTH);
            }
            return Envelope.classify(buffer) == Envelope.Kind.CONTROL ? ControlCodec.decode(buffer) : null;
        } finally {
            buffer.release();
        }
    }

    @Override
    public void close() throws IOException {
        sender.close();
        control.close();
        if (data != null) {
            data.close();
        }
    }
}
