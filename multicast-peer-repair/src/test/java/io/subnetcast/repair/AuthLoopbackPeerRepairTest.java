package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.auth.AuthCounter;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sockets on the loopback interface: four engines share a task with a key and encrypted data,
 * with 5% receive loss, so that peer repair (with the task's token) fills the gaps. Two intruders
 * run the same task id on the same groups, one without a key and one with another key: the keyed
 * engines ignore them (and count what they ignored) and complete from each other.
 */
class AuthLoopbackPeerRepairTest {
    private static final long LENGTH = 8L << 20;
    private static final int KEYED = 4;

    @TempDir
    Path dir;

    @Test
    void keyedEnginesRepairFromEachOtherAndIgnoreIntruders() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg.bin"), LENGTH, 9);
        AtomicLong originBytes = new AtomicLong();
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1)).blockSize(64 * 1024)
                .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(30)).dataPort(control.getPort() + 1).build();
        SessionKey key = SessionKey.of(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6});
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build();
             HttpFetcher fetcher = HttpFetcher.builder().build()) {
            URI uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin");
            for (int i = 0; i < KEYED + 2; i++) {
                engines.add(SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                        .cacheDirectory(dir.resolve("cache" + i)).receiveLoss(LossGenerator.random(i < KEYED ? 0.05 : 0, i))
                        .httpFetcher(fetcher).gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
                        .build());
            }
            DistributionTask task = DistributionTask.of("pkg", uri, dir.resolve("unused")).withSha256(sha);
            // The intruders start first, so that their claims and beacons are on the wire all along.
            engines.get(KEYED).distribute(task.withDestination(dir.resolve("plain-intruder"))
                    .withPriority(100));
            engines.get(KEYED + 1).distribute(task.withDestination(dir.resolve("other-key-intruder"))
                    .withPriority(100).withKey(SessionKey.of(new byte[16]), true));
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < KEYED; i++) {
                handles.add(engines.get(i).distribute(task.withDestination(dir.resolve("out" + i))
                        .withKey(key, true)));
            }
            for (DistributionHandle handle : handles) {
                handle.completion().get(90, TimeUnit.SECONDS);
            }
            long peerBytes = 0;
            for (int i = 0; i < KEYED; i++) {
                assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out" + i))));
                if (handles.get(i).progress().role() == Role.MEMBER) {
                    peerBytes += handles.get(i).progress().bytesFromRepair();
                    // Had the peers refused the token, repair would have fallen back to the origin.
                    assertEquals(0, handles.get(i).progress().bytesFromOrigin(), "member " + i + " used the origin");
                }
                var counters = engines.get(i).authCounters();
                assertTrue(counters.get(AuthCounter.UNAUTHENTICATED) > 0, "plain intruder ignored: " + counters);
                assertTrue(counters.get(AuthCounter.UNKNOWN_KEY) > 0, "other-key intruder ignored: " + counters);
                assertEquals(0, counters.get(AuthCounter.FORGED), "nothing forged among keyed engines: " + counters);
            }
            assertEquals(1, handles.stream().filter(h -> h.progress().role() == Role.REPRESENTATIVE).count());
            assertTrue(peerBytes > 0, "5% loss must have left gaps that peer repair (with the token) filled");
            System.out.printf("keyed engines on lo with 5%% loss: members repaired %d bytes from peers; engine 0 %s%n",
                    peerBytes, engines.get(0).authCounters());
        } finally {
            engines.forEach(SubnetcastEngine::close);
        }
    }
}
