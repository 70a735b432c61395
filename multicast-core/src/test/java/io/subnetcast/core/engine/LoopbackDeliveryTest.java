package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.AgentState;
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
 * Real sockets on the loopback interface only: five engines in one JVM receive a 32 MiB package
 * from the project's own origin server, one of them fetching it once and multicasting it.
 */
class LoopbackDeliveryTest {
    private static final long LENGTH = 32L << 20;

    @TempDir
    Path dir;

    @Test
    void fiveEnginesOnLoopbackReceiveThePackageByteForByte() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg.bin"), LENGTH, 11);
        AtomicLong originBytes = new AtomicLong();
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(200_000_000L).linger(Duration.ofSeconds(2))
                .dataPort(control.getPort() + 1).build();
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build()) {
            URI uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin");
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                        .cacheDirectory(dir.resolve("cache" + i)).session(session).build();
                engines.add(engine);
            }
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                handles.add(engines.get(i).distribute(DistributionTask.of("pkg32", uri, dir.resolve("out" + i + ".bin"))
                        .withSha256(sha)));
            }
            for (DistributionHandle handle : handles) {
                handle.completion().get(60, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long representatives = handles.stream().filter(h -> h.progress().role() == Role.REPRESENTATIVE).count();
            assertEquals(1, representatives, "exactly one representative");
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out" + i + ".bin"))),
                        "copy " + i);
                assertEquals(AgentState.COMPLETE, handles.get(i).progress().state());
            }
            assertTrue(originBytes.get() <= LENGTH + (1 << 20), "origin served " + originBytes.get() + " bytes");
            long multicast = handles.stream().mapToLong(h -> h.progress().bytesFromMulticast()).sum();
            long repair = handles.stream().mapToLong(h -> h.progress().bytesFromRepair()).sum();
            System.out.printf("5 engines on lo: 32 MiB to all in %.2f s (start delay 1 s); origin served %d bytes;"
                    + " members took %d bytes from multicast, %d from retransmission%n", seconds, originBytes.get(),
                    multicast, repair);
            for (DistributionHandle handle : handles) {
                handle.finished().get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (SubnetcastEngine engine : engines) {
                engine.close();
            }
        }
    }
}
