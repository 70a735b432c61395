package io.subnetcast.core.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SubnetcastEngine#distribute} returns at once, whatever the engine thread is doing. */
class EngineDistributeTest {
    @TempDir
    Path dir;

    /** An engine on loopback whose tasks keep looking for a session for a minute: they run, report, and stay. */
    private SubnetcastEngine engine() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().dataPort(control.getPort() + 1)
                .discoveryTimeout(Duration.ofSeconds(60)).build();
        return SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                .cacheDirectory(dir.resolve("cache")).build();
    }

    private DistributionTask task(String id) {
        return DistributionTask.of(id, URI.create("http://127.0.0.1:9/p"), dir.resolve(id));
    }

    /** Cancels a handle and checks that its task ran: only a started task settles its futures. */
    private static void assertRunsAndCancels(DistributionHandle handle) throws Exception {
        handle.cancel();
        assertThrows(CancellationException.class, () -> handle.completion().get(10, TimeUnit.SECONDS));
        handle.finished().get(10, TimeUnit.SECONDS);
        assertEquals(AgentState.CANCELLED, handle.progress().state());
    }

    @Test
    void distributeReturnsAtOnceWhileTheEngineThreadIsBusy() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean(true);
        try (SubnetcastEngine engine = engine()) {
            DistributionHandle first = engine.distribute(task("first"));
            // A listener holding the engine thread stands for anything slow on it: a slow disk, a long
            // burst of datagrams, a listener that does not return quickly.
            first.onProgress(event -> {
                if (holdOnce.compareAndSet(true, false)) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            DistributionHandle second;
            try {
                assertTrue(holding.await(10, TimeUnit.SECONDS), "the listener was never called");
                long startNs = System.nanoTime();
                second = engine.distribute(task("second"));
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertTrue(tookMs < 1_000, "distribute waited " + tookMs + " ms for the engine thread");
                assertFalse(second.finished().isDone());
                // The id is taken at once, before the engine thread has started the task.
                assertThrows(IllegalStateException.class, () -> engine.distribute(task("second")));
            } finally {
                release.countDown();
            }
            assertRunsAndCancels(second);
            assertRunsAndCancels(first);
        }
    }

    @Test
    void aTaskCanBeDistributedFromTheEngineThread() throws Exception {
        AtomicReference<Object> chained = new AtomicReference<>();
        try (SubnetcastEngine engine = engine()) {
            DistributionHandle first = engine.distribute(task("first"));
            first.onProgress(event -> { // on the engine thread
                if (chained.get() == null) {
                    try {
                        chained.set(engine.distribute(task("second")));
                    } catch (RuntimeException e) {
                        chained.set(e);
                    }
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> chained.get() != null);
            DistributionHandle second = assertInstanceOf(DistributionHandle.class, chained.get(),
                    () -> "distribute on the engine thread threw " + chained.get());
            assertRunsAndCancels(second);
        }
    }

    @Test
    void aTaskHandedOverAsTheEngineClosesEndsCancelled() throws Exception {
        SubnetcastEngine engine = engine();
        DistributionHandle handle;
        try {
            handle = engine.distribute(task("t"));
        } finally {
            engine.close();
        }
        assertTrue(handle.completion().isCancelled());
        assertTrue(handle.finished().isDone());
        assertThrows(IllegalStateException.class, () -> engine.distribute(task("u")));
    }
}
