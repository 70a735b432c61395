package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A representative that multicasts corrupted blocks and vouches for them with matching hashes in
 * its manifests. With a trusted manifest nobody stores a wrong block; without one the whole-file
 * check still keeps every wrong file out of place.
 */
class HostileRepresentativeSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private List<SimNode> start(SimOrigin origin, TaskSpec task) {
        GapRepairFactory repair = SimPeerTransfer.repair(new SimPeerTransfer(lan, 50_000_000, 1_000_000),
                PeerRepairConfig.defaults(), 5);
        SessionConfig config = SessionConfig.builder().blockSize(BLOCK).startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(16_000_000L).linger(Duration.ofSeconds(60)).build();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            node.setTrustedManifestBlockSize(BLOCK);
            nodes.add(node);
        }
        nodes.forEach(n -> n.distribute(task, config));
        assertTrue(lan.runUntil(() -> nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).count() == 5,
                10 * SECOND));
        nodes.stream().filter(n -> n.agent("pkg").role() == Role.REPRESENTATIVE).findFirst().orElseThrow().setCorrupt(true);
        return nodes;
    }

    @Test
    void withATrustedManifestNoMemberEverStoresAWrongBlock() throws Exception {
        SimOrigin origin = new SimOrigin(1024 * 1024, 9, 50_000_000);
        lan = new SimulatedLan(81, dir, origin);
        byte[] manifestBytes = origin.manifestBytes(BLOCK);
        TrustedManifest trusted = TrustedManifest.parse(manifestBytes, BlockHashes.newSha256().digest(manifestBytes));
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0)
                .withManifest(URI.create("http://origin.test/pkg.manifest"), BlockHashes.newSha256().digest(manifestBytes));
        List<SimNode> nodes = start(origin, task);
        List<SimNode> members = nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).toList();
        // Check at every step of the run that no member holds a block the manifest disowns.
        assertTrue(lan.runUntil(() -> {
            for (SimNode member : members) {
                BlockFile store = member.agent("pkg").store();
                if (store == null || store.isPublished()) {
                    continue;
                }
                for (int block = 0; block < store.layout().blockCount(); block++) {
                    byte[] held = store.presentBlockHash(block);
                    if (held != null && !java.util.Arrays.equals(held, trusted.hashOf(block))) {
                        throw new AssertionError(member.name() + " stored a wrong block " + block);
                    }
                }
            }
            return nodes.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE);
        }, 120 * SECOND));
        for (SimNode node : nodes) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(node.port("pkg").published())));
        }
        System.out.printf("hostile representative with a trusted manifest: every member complete, origin served %d bytes"
                + " (%.1fx the package: the good bytes had to come from it)%n", origin.bytesServed(),
                (double) origin.bytesServed() / origin.length());
    }

    @Test
    void withoutOneTheWholeFileCheckPlacesNoWrongFileAndMembersRecoverFromTheOrigin() throws Exception {
        SimOrigin origin = new SimOrigin(1024 * 1024, 10, 50_000_000);
        lan = new SimulatedLan(82, dir, origin);
        TaskSpec task = new TaskSpec("pkg", URI.create("http://origin.test/pkg"), origin.sha256(), 0);
        List<SimNode> nodes = start(origin, task);
        List<SimNode> members = nodes.stream().filter(n -> n.agent("pkg").role() == Role.MEMBER).toList();
        assertTrue(lan.runUntil(() -> members.stream().allMatch(n -> n.agent("pkg").state() == AgentState.COMPLETE),
                120 * SECOND));
        int recovered = 0;
        for (SimNode member : members) {
            assertArrayEquals(origin.sha256(), BlockHashes.newSha256().digest(Files.readAllBytes(member.port("pkg").published())));
            if (member.port("pkg").publishFailure() != null) {
                recovered++; // its first assembly was refused by the whole-file check
            }
        }
        System.out.printf("hostile representative, no trusted manifest: %d members refused their assembled file and"
                + " recovered from the origin%n", recovered);
        assertTrue(recovered > 0, "the forged blocks were caught by the whole-file check");
    }
}
