package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sockets on the loopback interface: five engines with 5% of received datagrams dropped by
 * the loss generator complete the package, the gaps filled from each other's block servers.
 */
class LoopbackPeerRepairTest {
    private static final long LENGTH = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void fiveEnginesWithFivePercentReceiveLossComplete() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1)).blockSize(64 * 1024)
                .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(30)).dataPort(control.getPort() + 1).build();
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (LoopbackOrigin origin = LoopbackOrigin.start(dir, LENGTH, 4);
             HttpFetcher fetcher = HttpFetcher.builder().build()) {
            URI uri = origin.uri();
            byte[] sha = origin.sha256();
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                engines.add(SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                        .cacheDirectory(dir.resolve("cache" + i)).receiveLoss(LossGenerator.random(0.05, i))
                        .httpFetcher(fetcher).gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
                        .build());
            }
            for (int i = 0; i < 5; i++) {
                handles.add(engines.get(i).distribute(DistributionTask.of("pkg", uri, dir.resolve("out" + i)).withSha256(sha)));
            }
            for (DistributionHandle handle : handles) {
                handle.completion().get(90, TimeUnit.SECONDS);
            }
            long peerBytes = 0;
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out" + i))));
                SessionProgress progress = handles.get(i).progress();
                if (progress.role() == Role.MEMBER) {
                    peerBytes += progress.bytesFromRepair();
                }
            }
            assertEquals(1, handles.stream().filter(h -> h.progress().role() == Role.REPRESENTATIVE).count());
            assertTrue(peerBytes > 0, "5% loss must have left gaps that repair filled");
            assertEquals(LENGTH, origin.bytesServed(), "the representative held every block: the origin served the package once");
            System.out.printf("5 engines on lo with 5%% receive loss: origin served %d bytes, members repaired %d bytes%n",
                    origin.bytesServed(), peerBytes);
        } finally {
            engines.forEach(SubnetcastEngine::close);
        }
    }
}
