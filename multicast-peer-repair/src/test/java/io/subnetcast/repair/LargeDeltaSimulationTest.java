package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta past 4 GiB (zsync2 and zchunk both had bugs past 2 GiB): a sparse package of 4 GiB and
 * more, whose changed bytes and moved content lie beyond 2^32, distributed in the simulated LAN to
 * two agents that hold the previous version. The representative fetches the changed range from the
 * origin at an offset past 4 GiB, the member repairs it from the representative, the basis gives
 * the moved content from a shifted offset past 4 GiB, and both placed copies are the new version.
 * Sparse files keep it cheap: a few MiB of real bytes, the rest holes that read as zeros.
 */
class LargeDeltaSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long GIB = 1L << 30;
    private static final int BLOCK = 1 << 20;
    private static final long LENGTH = 4 * GIB + 5 * BLOCK + 123;
    /** Content that moved: at this offset in the new version, 1,000 bytes later in the old one. */
    private static final long MOVED_AT = 4 * GIB + 2 * BLOCK + 17;
    private static final int MOVED = BLOCK;
    /** Bytes that changed, past 4 GiB too. */
    private static final long CHANGED_AT = 4 * GIB + 4 * BLOCK + 5;
    private static final int CHANGED = 64 * 1024;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private static void writeAt(FileChannel file, long offset, byte[] bytes) throws IOException {
        ByteBuffer source = ByteBuffer.wrap(bytes);
        while (source.hasRemaining()) {
            file.write(source, offset + source.position());
        }
    }

    private static byte[] readAt(Path file, long offset, int length) throws IOException {
        ByteBuffer target = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file)) {
            while (target.hasRemaining() && channel.read(target, offset + target.position()) > 0) {
                // until full
            }
        }
        return target.array();
    }

    @Test
    @Timeout(600)
    void aSparsePackageBeyondFourGibIsDistributedWithABasis() throws IOException {
        SplittableRandom random = new SplittableRandom(44);
        byte[] moved = new byte[MOVED];
        random.nextBytes(moved);
        byte[] changedOld = new byte[CHANGED];
        random.nextBytes(changedOld);
        byte[] changedNew = new byte[CHANGED];
        random.nextBytes(changedNew);
        Path v1 = dir.resolve("v1.bin");
        Path v2 = dir.resolve("v2.bin");
        try (FileChannel old = FileChannel.open(v1, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel fresh = FileChannel.open(v2, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAt(old, MOVED_AT + 1000, moved);
            writeAt(old, CHANGED_AT + 1000, changedOld);
            writeAt(old, LENGTH + 999, new byte[1]); // 1,000 bytes longer: a shift before the moved content
            writeAt(fresh, MOVED_AT, moved);
            writeAt(fresh, CHANGED_AT, changedNew);
            writeAt(fresh, LENGTH - 1, new byte[1]);
        }
        assertEquals(LENGTH, Files.size(v2));
        TrustedManifest trusted = TrustedManifest.of(v2, BLOCK, 4096);
        byte[] manifest = trusted.toBytes();
        SimOrigin origin = new SimOrigin(v2, 200_000_000);
        origin.publishManifest(manifest);
        origin.publishUnits(trusted.unitsBytes());
        lan = new SimulatedLan(4, dir.resolve("lan"), origin);
        byte[] sha = origin.sha256();
        TaskSpec task = new TaskSpec("big", URI.create("http://origin.test/big"), sha, 0)
                .withManifest(URI.create("http://origin.test/big.manifest"), BlockHashes.newSha256().digest(manifest));
        GapRepairFactory repair = SimPeerTransfer.repair(new SimPeerTransfer(lan, 200_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 5);
        SessionConfig config = SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(2))
                .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(5)).build();
        List<SimNode> nodes = List.of(lan.addNode("a", 0), lan.addNode("b", 0));
        for (SimNode node : nodes) {
            node.setRepairFactory(repair);
            node.setBasis(v1);
        }
        nodes.forEach(n -> n.distribute(task, config));
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("big").state() == AgentState.COMPLETE),
                300 * SECOND), "both complete");
        for (SimNode node : nodes) {
            // Placing checked the whole file against the task's SHA-256; the regions past 4 GiB are compared here.
            Path placed = node.port("big").published();
            assertEquals(LENGTH, Files.size(placed), node.name());
            assertArrayEquals(changedNew, readAt(placed, CHANGED_AT, CHANGED), node.name() + " changed bytes");
            assertArrayEquals(moved, readAt(placed, MOVED_AT, MOVED), node.name() + " moved bytes");
            SessionProgress p = node.agent("big").progress(lan.nowNs());
            System.out.printf("%s %s past 4 GiB: basis %,d origin %,d multicast %,d repair %,d%n", node.name(), p.role(),
                    p.bytesFromBasis(), p.bytesFromOrigin(), p.bytesFromMulticast(), p.bytesFromRepair());
            assertTrue(p.bytesFromBasis() >= LENGTH - 2L * CHANGED, node.name() + " reused " + p.bytesFromBasis());
        }
        System.out.printf("origin served %,d bytes of a %,d-byte package, %,d of them changed%n", origin.bytesServed(),
                LENGTH, CHANGED);
        assertTrue(origin.bytesServed() > 0 && origin.bytesServed() <= 2L * CHANGED,
                "origin served " + origin.bytesServed());
    }
}
