package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Express-style delta in the simulated LAN (issue 13): agents given an older version of the
 * package (a basis) find the new version's content in it, even where an insertion moved it, and
 * the subnet fetches from the origin only what no basis held. Whatever the basis, every copy placed
 * is the new version.
 */
class DeltaSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int BLOCK = 64 * 1024;
    private static final int UNIT = 4096;
    private static final int LENGTH = 4 * 1024 * 1024;
    private static final int OVERWRITES = 8;
    private static final int OVERWRITE = 16 * 1024;
    private static final int INSERTION = 3000;
    /** Bytes of the new version that no older version holds: the overwrites and the insertion. */
    private static final long NEW_BYTES = (long) OVERWRITES * OVERWRITE + INSERTION;

    @TempDir
    Path dir;
    private SimulatedLan lan;
    private byte[] v1;
    private byte[] v2;
    private Duration scanTime = Duration.ofMillis(1);
    private Duration memberScanTime;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    /** v1 random; v2 = v1 with scattered 16 KiB overwrites and a 3,000-byte insertion in the middle. */
    private void versions(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        v1 = new byte[LENGTH];
        random.nextBytes(v1);
        byte[] edited = v1.clone();
        for (int i = 0; i < OVERWRITES; i++) {
            // Spread over the file, each at an unaligned offset.
            int at = (int) ((long) LENGTH * i / OVERWRITES) + 1000 + random.nextInt(LENGTH / OVERWRITES - OVERWRITE - 2000);
            byte[] fresh = new byte[OVERWRITE];
            random.nextBytes(fresh);
            System.arraycopy(fresh, 0, edited, at, OVERWRITE);
        }
        int middle = LENGTH / 2 + 777;
        byte[] inserted = new byte[INSERTION];
        random.nextBytes(inserted);
        v2 = new byte[LENGTH + INSERTION];
        System.arraycopy(edited, 0, v2, 0, middle);
        System.arraycopy(inserted, 0, v2, middle, INSERTION);
        System.arraycopy(edited, middle, v2, middle + INSERTION, LENGTH - middle);
    }

    /** Makes the versions from {@code seed} and a LAN whose origin serves v2 (its manifest is the test's to publish). */
    private SimOrigin start(long seed, long lanSeed) {
        versions(seed);
        SimOrigin origin = new SimOrigin(v2, 50_000_000);
        lan = new SimulatedLan(lanSeed, dir.resolve("lan"), origin);
        return origin;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** The origin serves v2, a trusted manifest of it and its delta units, made from {@code unitsOf} when given. */
    private TaskSpec publish(SimOrigin origin, Path unitsOf) throws IOException {
        TrustedManifest trusted = TrustedManifest.of(write("v2.bin", v2), BLOCK, UNIT);
        byte[] manifest = trusted.toBytes();
        byte[] units = trusted.unitsBytes();
        if (unitsOf != null) {
            // Blocks of v2 but units of other bytes, with that file's hash: as if every strong hash collided.
            TrustedManifest other = TrustedManifest.of(unitsOf, BLOCK, UNIT);
            byte[] otherBytes = other.toBytes();
            int descriptor = 8 + 32;
            System.arraycopy(otherBytes, otherBytes.length - descriptor, manifest, manifest.length - descriptor, descriptor);
            units = other.unitsBytes();
        }
        origin.publishManifest(manifest);
        origin.publishUnits(units);
        byte[] sha = BlockHashes.newSha256().digest(v2);
        return new TaskSpec("pkg", URI.create("http://origin.test/pkg"), sha, 0)
                .withManifest(URI.create("http://origin.test/pkg.manifest"), BlockHashes.newSha256().digest(manifest));
    }

    /** Runs {@code bases.length} agents, agent i with basis {@code bases[i]} (null: none), to completion. */
    private List<SimNode> run(TaskSpec task, SimOrigin origin, Path... bases) {
        return run(java.util.Collections.nCopies(bases.length, task), bases);
    }

    /** As {@link #run(TaskSpec, SimOrigin, Path...)}, agent i with task {@code tasks.get(i)} (its priority). */
    private List<SimNode> run(List<TaskSpec> tasks, Path... bases) {
        GapRepairFactory repair = repair();
        SessionConfig config = config();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < bases.length; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            node.setBasisScanTime(scanTime);
            if (memberScanTime != null) {
                node.setMemberBasisScanTime(memberScanTime);
            }
            if (bases[i] != null) {
                node.setBasis(bases[i]);
            }
            nodes.add(node);
        }
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).distribute(tasks.get(i), config);
        }
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                120 * SECOND), () -> "not every agent completed: " + states(nodes));
        return nodes;
    }

    /** Every agent's settings: 64 KiB blocks, 2 s start delay, 50 Mbit/s, 5 s linger. */
    private static SessionConfig config() {
        return SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(2))
                .rateBitsPerSecond(50_000_000L).linger(Duration.ofSeconds(5)).build();
    }

    /** Gap repair from peers (50 Mbit/s, 1 ms away) and the origin. */
    private GapRepairFactory repair() {
        return SimPeerTransfer.repair(new SimPeerTransfer(lan, 50_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 5);
    }

    private static String states(List<SimNode> nodes) {
        StringBuilder out = new StringBuilder();
        nodes.forEach(n -> out.append(n.name()).append('=').append(n.agent("pkg").state()).append(' '));
        return out.toString();
    }

    /** Every copy placed is v2, byte for byte; prints where each agent's bytes came from. */
    private void assertEveryCopyIsTheNewVersion(List<SimNode> nodes, SimOrigin origin, String scenario) throws IOException {
        byte[] expected = BlockHashes.newSha256().digest(v2);
        System.out.printf("%s: origin served %,d bytes (%.2fx the %,d new bytes; package %,d) and %,d bytes of delta"
                        + " units%n", scenario, origin.bytesServed(), (double) origin.bytesServed() / NEW_BYTES, NEW_BYTES,
                v2.length, origin.unitsServed());
        for (SimNode node : nodes) {
            assertArrayEquals(expected, BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())),
                    node.name() + " placed something else than the new version");
            SessionProgress p = node.agent("pkg").progress(lan.nowNs());
            System.out.printf("  %s %s: basis %,d origin %,d multicast %,d repair %,d%n", node.name(), p.role(),
                    p.bytesFromBasis(), p.bytesFromOrigin(), p.bytesFromMulticast(), p.bytesFromRepair());
        }
    }

    private static SimNode representative(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow();
    }

    @Test
    void everyAgentWithTheOldVersionFetchesFromTheOriginOnlyWhatChanged() throws IOException {
        SimOrigin origin = start(1, 11);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        List<SimNode> nodes = run(task, origin, basis, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "4 agents with v1");
        assertTrue(origin.bytesServed() <= 2 * NEW_BYTES, "origin served " + origin.bytesServed());
        long unitsFile = (v2.length + UNIT - 1) / UNIT * 20L + 8;
        assertEquals(unitsFile, origin.unitsServed(), "the delta units from the origin once; members take them from peers");
        assertEquals(3, nodes.stream().mapToInt(SimNode::unitsFromPeers).sum());
        // What the members lack is what the representative's own v1 lacked: multicast once, not repaired
        // by each member from a peer.
        long sent = representative(nodes).port("pkg").dataDatagramsSent();
        assertTrue(sent * 1440 <= 2 * NEW_BYTES, "the pass sent " + sent + " datagrams");
        // Members finish within milliseconds of each other: the representative's word that all are done
        // still reaches them, and nobody waits out the linger (5 s).
        assertTrue(lan.runUntil(() -> nodes.stream().allMatch(n -> n.agent("pkg").isFinished(lan.nowNs())), 2 * SECOND),
                "every agent finished without its linger");
        for (SimNode node : nodes) {
            SessionProgress p = node.agent("pkg").progress(lan.nowNs());
            if (p.role() == Role.MEMBER) {
                assertTrue(p.bytesFromMulticast() > 0 && p.bytesFromMulticast() <= 4 * NEW_BYTES, node.name() + ": " + p);
                assertEquals(0, p.bytesFromRepair(), node.name() + " needed no repair: " + p);
            }
        }
        for (SimNode node : nodes) {
            long fromBasis = node.agent("pkg").progress(lan.nowNs()).bytesFromBasis();
            assertTrue(fromBasis >= v2.length - 2 * NEW_BYTES, node.name() + " reused only " + fromBasis);
        }
    }

    /**
     * Scans of a large package take seconds, longer than the election: the representative's
     * beacons keep its members while it scans (the layout comes once its pass is planned), and no
     * second representative goes to the origin meanwhile.
     */
    @Test
    void scansLongerThanTheElectionStillGiveOneRepresentative() throws IOException {
        SimOrigin origin = start(6, 16);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        scanTime = Duration.ofSeconds(4);
        List<SimNode> nodes = run(task, origin, basis, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "4 agents with v1, scans of 4 s");
        long elected = nodes.stream().filter(n -> n.port("pkg").transitions().contains("FETCHING/REPRESENTATIVE")).count();
        assertEquals(1, elected, "agents that were representative at some point");
        assertTrue(origin.bytesServed() <= 2 * NEW_BYTES, "origin served " + origin.bytesServed());
    }

    /**
     * The election asks for the session while the trusted manifest is fetched, and claims once it
     * is in hand: a manifest that comes within the discovery window (250 of 300 ms) delays the
     * representative by far less than it takes (before, discovery began only after it). An agent
     * that hears a beacon before its own manifest arrives follows that session then, without ever
     * claiming.
     */
    @Test
    void theElectionAsksWhileTheManifestIsFetched() throws IOException {
        SimOrigin origin = start(9, 19);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        long quick = electedAfter(task, basis, Duration.ofMillis(1));
        lan.close();
        lan = new SimulatedLan(19, dir.resolve("lan2"), origin);
        long slow = electedAfter(task, basis, Duration.ofMillis(250));
        assertTrue(slow - quick < 100_000_000L, "elected after " + quick / 1_000_000 + " ms with a 1 ms manifest, "
                + slow / 1_000_000 + " ms with a 250 ms one");

        // A latecomer whose manifest takes 2 s hears the session's beacons long before it.
        SimNode late = lan.addNode("late", 0);
        late.setBasis(basis);
        late.setManifestFetchTime(Duration.ofSeconds(2));
        late.setRepairFactory(repair());
        late.distribute(task, config());
        assertTrue(lan.runUntil(() -> late.agent("pkg").state() == AgentState.COMPLETE, 60 * SECOND),
                () -> "the latecomer is " + late.agent("pkg").state());
        assertEquals(Role.MEMBER, late.agent("pkg").role());
        assertFalse(late.port("pkg").transitions().stream().anyMatch(t -> t.startsWith("CLAIMING")),
                "the latecomer claimed: " + late.port("pkg").transitions());
        assertArrayEquals(BlockHashes.newSha256().digest(v2),
                BlockHashes.newSha256().digest(Files.readAllBytes(late.port("pkg").published())));
    }

    /** Starts 3 agents with the basis whose manifests take {@code manifestTime}; virtual time until one is elected. */
    private long electedAfter(TaskSpec task, Path basis, Duration manifestTime) {
        GapRepairFactory repair = repair();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setBasis(basis);
            node.setManifestFetchTime(manifestTime);
            node.setRepairFactory(repair);
            nodes.add(node);
        }
        long started = lan.nowNs();
        nodes.forEach(n -> n.distribute(task, config()));
        assertTrue(lan.runUntil(() -> nodes.stream().anyMatch(n -> n.agent("pkg").role() == Role.REPRESENTATIVE),
                10 * SECOND), "nobody elected");
        return lan.nowNs() - started;
    }

    /**
     * Members whose scans end long after their representative's: its pass waits for them (they
     * advertise that they are preparing) instead of multicasting blocks their scans are about to find.
     */
    @Test
    void thePassWaitsForMembersStillScanning() throws IOException {
        SimOrigin origin = start(7, 17);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        memberScanTime = Duration.ofSeconds(6);
        List<SimNode> nodes = run(task, origin, basis, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "4 agents with v1, members' scans 6 s");
        for (SimNode node : nodes) {
            long multicast = node.agent("pkg").progress(lan.nowNs()).bytesFromMulticast();
            assertTrue(multicast <= 4 * NEW_BYTES, node.name() + " took " + multicast + " bytes from multicast");
        }
        long sent = representative(nodes).port("pkg").dataDatagramsSent();
        assertTrue(sent * 1400 <= 4 * NEW_BYTES, "the pass sent " + sent + " datagrams");
    }

    /**
     * An origin that ignores byte ranges answers each with the whole body: the gaps of partly held
     * blocks are then not fetched one range at a time (each would cost the body up to the gap) but
     * with the download, so the origin is read at most once.
     */
    @Test
    void anOriginThatIgnoresRangesIsReadAtMostOnce() throws IOException {
        SimOrigin origin = start(8, 18);
        origin.setIgnoresRanges(true);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        List<SimNode> nodes = run(task, origin, basis, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "4 agents with v1, an origin that ignores ranges");
        assertTrue(origin.bytesServed() <= v2.length, "origin served " + origin.bytesServed());
    }

    @Test
    void mixedBasesStillFetchFromTheOriginOnlyWhatNoBasisHeld() throws IOException {
        SimOrigin origin = start(2, 12);
        TaskSpec task = publish(origin, null);
        Path basis = write("v1.bin", v1);
        List<SimNode> nodes = run(task, origin, basis, null, basis, null);
        assertEveryCopyIsTheNewVersion(nodes, origin, "2 agents with v1, 2 without");
        assertTrue(origin.bytesServed() <= 2 * NEW_BYTES, "origin served " + origin.bytesServed());
        assertTrue(representative(nodes).agent("pkg").progress(lan.nowNs()).bytesFromBasis() > 0,
                "the agent holding most of the package represents the subnet");
        for (SimNode node : nodes) {
            SessionProgress p = node.agent("pkg").progress(lan.nowNs());
            if (p.bytesFromBasis() == 0) {
                assertEquals(v2.length, p.bytesHeld(), node.name() + " without a basis still holds everything");
            }
        }
    }

    @Test
    void aBasisThatMatchesNothingCostsOneWholeDownload() throws IOException {
        SimOrigin origin = start(3, 13);
        TaskSpec task = publish(origin, null);
        byte[] unrelated = new byte[LENGTH];
        new SplittableRandom(99).nextBytes(unrelated);
        Path basis = write("unrelated.bin", unrelated);
        List<SimNode> nodes = run(task, origin, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "3 agents with an unrelated basis");
        for (SimNode node : nodes) {
            assertEquals(0, node.agent("pkg").progress(lan.nowNs()).bytesFromBasis(), node.name());
        }
        assertEquals(v2.length, origin.bytesServed(), "the package once, as without a basis");
    }

    @Test
    void aBasisThatIsTheNewVersionNeedsNothingFromTheOrigin() throws IOException {
        SimOrigin origin = start(4, 14);
        TaskSpec task = publish(origin, null);
        Path basis = write("v2-copy.bin", v2);
        List<SimNode> nodes = run(task, origin, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "3 agents holding v2 already");
        assertEquals(0, origin.bytesServed(), "nothing from the origin");
        assertEquals(0, origin.downloads());
        for (SimNode node : nodes) {
            assertEquals(v2.length, node.agent("pkg").progress(lan.nowNs()).bytesFromBasis(), node.name());
        }
    }

    /** An origin gone after the manifest (probes refused) costs nothing when the basis is the new version. */
    @Test
    void aBasisThatIsTheNewVersionNeedsNoOriginAtAll() throws IOException {
        SimOrigin origin = start(9, 19);
        origin.setRefusesProbes(true);
        TaskSpec task = publish(origin, null);
        Path basis = write("v2-copy.bin", v2);
        List<SimNode> nodes = run(task, origin, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "2 agents holding v2, the origin refusing probes");
        assertEquals(0, origin.downloads());
    }

    @Test
    void aCorruptBasisNeverGetsAWrongByteIntoACopy() throws IOException {
        SimOrigin origin = start(5, 15);
        // The basis is v2 with a byte flipped every 100 KiB, and the manifest's units describe that
        // corrupt file, so that every unit of it passes its weak and strong check: only the blocks'
        // SHA-256 stands between the corruption and the copies.
        byte[] corrupt = v2.clone();
        for (int at = 5000; at < corrupt.length; at += 100 * 1024) {
            corrupt[at] ^= 0x40;
        }
        Path basis = write("corrupt.bin", corrupt);
        TaskSpec task = publish(origin, basis);
        List<SimNode> nodes = run(task, origin, basis, basis, null);
        assertEveryCopyIsTheNewVersion(nodes, origin, "a corrupt basis whose units the manifest vouches for");
        for (SimNode node : nodes) {
            BlockFile store = node.agent("pkg").store();
            assertEquals(store.layout().blockCount(), store.presentBlocks(), node.name());
        }
    }

    /**
     * Members whose older version is newer than the representative's hold parts of blocks it lacks
     * (one of two edits in each): those parts come to it from them, since a block server serves the
     * units a basis scan vouched for before their block is complete, and only the rest from the
     * origin. The representative's download waits for its members' scans to know this.
     */
    @Test
    void partsOfBlocksAMemberHoldsComeToTheRepresentativeFromThatMember() throws IOException {
        SplittableRandom random = new SplittableRandom(21);
        v1 = new byte[LENGTH];
        random.nextBytes(v1);
        v2 = v1.clone();
        int[] editedBlocks = {5, 20, 35, 50};
        for (int block : editedBlocks) {
            for (int at : new int[] {block * BLOCK + 1000, block * BLOCK + 40_000}) {
                byte[] fresh = new byte[OVERWRITE];
                random.nextBytes(fresh);
                System.arraycopy(fresh, 0, v2, at, OVERWRITE);
            }
        }
        byte[] between = v2.clone(); // holds the first edit of each block, not the second
        for (int block : editedBlocks) {
            System.arraycopy(v1, block * BLOCK + 40_000, between, block * BLOCK + 40_000, OVERWRITE);
        }
        SimOrigin origin = new SimOrigin(v2, 50_000_000);
        lan = new SimulatedLan(22, dir.resolve("lan"), origin);
        TaskSpec task = publish(origin, null);
        TaskSpec preferred = new TaskSpec(task.taskId(), task.origin(), task.sha256(), 1, task.manifest(), task.manifestSha256());
        Path older = write("v1.bin", v1);
        Path newer = write("v1.5.bin", between);
        List<SimNode> nodes = run(List.of(preferred, task, task, task), older, newer, newer, newer);
        assertEveryCopyIsTheNewVersion(nodes, origin, "representative with v1, members with v1.5");
        assertEquals("n0", representative(nodes).name(), "the agent with priority represents");
        // The second edit of each block (5 units, and a chunk either side) is all that nobody held.
        long nobodyHeld = editedBlocks.length * (5L * UNIT + 2 * 1500);
        assertTrue(origin.bytesServed() <= nobodyHeld, "origin served " + origin.bytesServed() + ", at most "
                + nobodyHeld + " expected");
        long fromMembers = nodes.stream().filter(n -> !n.name().equals("n0")).mapToLong(SimNode::repairBytesServed).sum();
        assertTrue(fromMembers >= editedBlocks.length * (long) OVERWRITE, "members served " + fromMembers);
    }

    /**
     * A representative without the older version (here by priority; in practice one elected before
     * the others started): it fetches the delta units for its members, who then scan in time for its
     * download to leave to them what they hold, so that the origin serves about what changed.
     */
    @Test
    void aRepresentativeWithoutABasisTakesWhatItsMembersHoldFromThem() throws IOException {
        SimOrigin origin = start(10, 20);
        TaskSpec task = publish(origin, null);
        TaskSpec preferred = new TaskSpec(task.taskId(), task.origin(), task.sha256(), 1, task.manifest(), task.manifestSha256());
        Path basis = write("v1.bin", v1);
        List<SimNode> nodes = run(List.of(preferred, task, task, task), null, basis, basis, basis);
        assertEveryCopyIsTheNewVersion(nodes, origin, "representative without a basis, members with v1");
        assertEquals("n0", representative(nodes).name());
        assertTrue(origin.bytesServed() <= 2 * NEW_BYTES, "origin served " + origin.bytesServed());
        long unitsFile = (v2.length + UNIT - 1) / UNIT * 20L + 8;
        assertEquals(unitsFile, origin.unitsServed(), "the delta units from the origin once, for the members");
        assertEquals(3, nodes.stream().mapToInt(SimNode::unitsFromPeers).sum());
        // What the members' v1 lacks is what the representative fetched from the origin after their
        // parts: multicast once, not repaired by each member from the representative.
        for (SimNode node : nodes) {
            SessionProgress p = node.agent("pkg").progress(lan.nowNs());
            if (p.role() == Role.MEMBER) {
                assertEquals(0, p.bytesFromRepair(), node.name() + " repaired: " + p);
                assertTrue(p.bytesFromMulticast() > 0 && p.bytesFromMulticast() <= 2 * NEW_BYTES, node.name() + ": " + p);
            }
        }
    }
}
