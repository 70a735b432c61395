package io.subnetcast.repair;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * Real sockets on the loopback interface: an engine that drops every data datagram (its data
 * group is blocked) while control datagrams pass detects it, completes over unicast from the
 * other engines' block servers and reports that it fell back; the others receive the multicast.
 */
class LoopbackFallbackTest {
    private static final long LENGTH = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void anEngineWhoseDataGroupIsBlockedFallsBackAndCompletes() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        // A 1 s silence limit: the 16 MiB pass at 50 Mbit/s takes about 2.7 s.
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(2)).blockSize(64 * 1024)
                .rateBitsPerSecond(50_000_000L).linger(Duration.ofSeconds(30)).dataPort(control.getPort() + 1)
                .dataSilenceLimit(Duration.ofSeconds(1)).build();
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (LoopbackOrigin origin = LoopbackOrigin.start(dir, LENGTH, 9);
             HttpFetcher fetcher = HttpFetcher.builder().build()) {
            URI uri = origin.uri();
            byte[] sha = origin.sha256();
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LossGenerator loss = i == 0 ? LossGenerator.dataGroupBlocked() : LossGenerator.NONE;
                engines.add(SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                        .cacheDirectory(dir.resolve("cache" + i)).receiveLoss(loss).httpFetcher(fetcher)
                        .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults())).build());
            }
            // The blocked engine must be a member: it joins once the others have elected a representative.
            for (int i = 1; i < 3; i++) {
                handles.add(engines.get(i).distribute(DistributionTask.of("pkg", uri, dir.resolve("out" + i)).withSha256(sha)));
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> handles.stream().anyMatch(h -> h.progress().role() == Role.REPRESENTATIVE));
            handles.add(0, engines.get(0).distribute(DistributionTask.of("pkg", uri, dir.resolve("out0")).withSha256(sha)));
            for (DistributionHandle handle : handles) {
                handle.completion().get(90, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out" + i))));
            }
            SessionProgress blocked = handles.get(0).progress();
            assertEquals(Role.MEMBER, blocked.role());
            assertNotNull(blocked.fallback(), "the blocked engine reports its fallback");
            assertEquals(0, blocked.bytesFromMulticast());
            assertTrue(blocked.bytesFromRepair() > 0, "it completed over unicast");
            for (int i = 1; i < 3; i++) {
                assertNull(handles.get(i).progress().fallback(), "engine " + i + " receives multicast");
            }
            assertEquals(LENGTH, origin.bytesServed(), "the origin served the package once, to the representative");
            System.out.printf("loopback, data group blocked on one engine: %s; repair %d bytes, origin %d bytes%n",
                    blocked.fallback(), blocked.bytesFromRepair(), origin.bytesServed());
        } finally {
            engines.forEach(SubnetcastEngine::close);
        }
    }
}
