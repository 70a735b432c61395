package io.subnetcast.core.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineLifecycleTest {
    @TempDir
    Path dir;

    private static long engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("subnetcast-")).count();
    }

    private SubnetcastEngine engine(InetSocketAddress control, SessionConfig session, String cache) throws Exception {
        return SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                .cacheDirectory(dir.resolve(cache)).build();
    }

    @Test
    void closeLeavesNoThreads() throws Exception {
        long before = engineThreads();
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().dataPort(control.getPort() + 1).build();
        SubnetcastEngine engine = engine(control, session, "c");
        DistributionHandle handle = engine.distribute(DistributionTask.of("t", URI.create("http://127.0.0.1:9/p"),
                dir.resolve("out")));
        assertTrue(engineThreads() > before);
        engine.close();
        engine.close(); // idempotent
        await().atMost(Duration.ofSeconds(10)).until(() -> engineThreads() == before);
        assertTrue(handle.completion().isCancelled());
        assertTrue(handle.finished().isDone());
        assertThrows(IllegalStateException.class, () -> engine.distribute(DistributionTask.of("u",
                URI.create("http://127.0.0.1:9/p"), dir.resolve("out2"))));
    }

    @Test
    void badSettingsGetClearMessages() throws Exception {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> SubnetcastEngine.builder()
                .networkInterface("nosuch0").cacheDirectory(dir).build());
        assertTrue(unknown.getMessage().contains("nosuch0"), unknown.getMessage());
        IllegalArgumentException noCache = assertThrows(IllegalArgumentException.class,
                () -> SubnetcastEngine.builder().networkInterface("lo").build());
        assertTrue(noCache.getMessage().contains("cache directory"));
        IllegalArgumentException notMulticast = assertThrows(IllegalArgumentException.class, () -> SubnetcastEngine
                .builder().networkInterface("lo").cacheDirectory(dir).controlGroup(new InetSocketAddress("10.0.0.1", 5)).build());
        assertTrue(notMulticast.getMessage().contains("not an IPv4 multicast group"));
        IllegalArgumentException badRate = assertThrows(IllegalArgumentException.class,
                () -> SubnetcastEngine.builder().rateBitsPerSecond(5));
        assertTrue(badRate.getMessage().contains("rate"));

        InetSocketAddress control = TestNetwork.controlGroup();
        try (SubnetcastEngine engine = engine(control, SessionConfig.builder().dataPort(control.getPort() + 1).build(), "c")) {
            URI origin = URI.create("http://127.0.0.1:9/p");
            IllegalArgumentException missingDir = assertThrows(IllegalArgumentException.class,
                    () -> engine.distribute(DistributionTask.of("t", origin, dir.resolve("no/such/out"))));
            assertTrue(missingDir.getMessage().contains("does not exist"), missingDir.getMessage());
            engine.distribute(DistributionTask.of("t", origin, dir.resolve("out")));
            assertThrows(IllegalStateException.class, () -> engine.distribute(DistributionTask.of("t", origin,
                    dir.resolve("out"))));
        }
    }

    @Test
    void anUnreachableOriginFailsTheTaskWithTheUrlInTheReason() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().dataPort(control.getPort() + 1)
                .discoveryTimeout(Duration.ofMillis(200)).claimWindow(Duration.ofMillis(100)).build();
        try (SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                .session(session).cacheDirectory(dir.resolve("c"))
                .httpFetcher(io.subnetcast.core.fetch.HttpFetcher.builder().maxAttempts(2)
                        .initialBackoff(Duration.ofMillis(10)).build()).build()) {
            DistributionHandle handle = engine.distribute(DistributionTask.of("t", URI.create("http://127.0.0.1:9/pkg"),
                    dir.resolve("out")));
            ExecutionException e = assertThrows(ExecutionException.class, () -> handle.completion().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof DistributionException);
            assertTrue(e.getCause().getMessage().contains("127.0.0.1:9/pkg"), e.getCause().getMessage());
            assertEquals(AgentState.FAILED, handle.progress().state());
        }
    }

    @Test
    void twoTasksRunAtOnceEachWithItsOwnElection() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] shaA = TestNetwork.writePackage(www.resolve("a.bin"), 3 << 20, 1);
        byte[] shaB = TestNetwork.writePackage(www.resolve("b.bin"), 2 << 20, 2);
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofMillis(500))
                .linger(Duration.ofSeconds(1)).dataPort(control.getPort() + 1).build();
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).build()) {
            int port = origin.start().getPort();
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SubnetcastEngine engine = engine(control, session, "c" + i);
                engines.add(engine);
                handles.add(engine.distribute(DistributionTask.of("task-a", URI.create("http://127.0.0.1:" + port + "/a.bin"),
                        dir.resolve("a" + i)).withSha256(shaA)));
                handles.add(engine.distribute(DistributionTask.of("task-b", URI.create("http://127.0.0.1:" + port + "/b.bin"),
                        dir.resolve("b" + i)).withSha256(shaB)));
            }
            for (DistributionHandle handle : handles) {
                handle.completion().get(60, TimeUnit.SECONDS);
            }
            for (String task : List.of("task-a", "task-b")) {
                assertEquals(1, handles.stream().filter(h -> h.task().taskId().equals(task)
                        && h.progress().role() == Role.REPRESENTATIVE).count(), task);
            }
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(shaA, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("a" + i))));
                assertArrayEquals(shaB, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("b" + i))));
            }
        } finally {
            engines.forEach(SubnetcastEngine::close);
        }
    }

    @Test
    void cancelEndsTheTaskAndItsFuture() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        try (SubnetcastEngine engine = engine(control, SessionConfig.builder().dataPort(control.getPort() + 1).build(), "c")) {
            DistributionHandle handle = engine.distribute(DistributionTask.of("t", URI.create("http://127.0.0.1:9/p"),
                    dir.resolve("out")));
            handle.cancel();
            assertThrows(CancellationException.class, () -> handle.completion().get(10, TimeUnit.SECONDS));
            handle.finished().get(10, TimeUnit.SECONDS);
            assertEquals(AgentState.CANCELLED, handle.progress().state());
        }
    }
}
