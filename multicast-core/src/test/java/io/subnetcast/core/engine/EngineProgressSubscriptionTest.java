package io.subnetcast.core.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DistributionHandle#onProgress} returns a subscription that removes its listener. Every
 * listener of a task is called on the engine thread, one report after the other, so the last
 * listener added marks each report ("round") with the counts the others reached by then.
 */
class EngineProgressSubscriptionTest {
    @TempDir
    Path dir;

    private SubnetcastEngine engine() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        // A task that looks for a session for a minute: it runs, and reports every 250 ms.
        SessionConfig session = SessionConfig.builder().dataPort(control.getPort() + 1)
                .discoveryTimeout(Duration.ofSeconds(60)).build();
        return SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                .cacheDirectory(dir.resolve("cache")).build();
    }

    /** @return calls of each counter in round {@code i} */
    private static int[] callsIn(List<int[]> rounds, int i) {
        int[] before = rounds.get(i - 1);
        int[] after = rounds.get(i);
        int[] calls = new int[after.length];
        for (int k = 0; k < calls.length; k++) {
            calls[k] = after[k] - before[k];
        }
        return calls;
    }

    @Test
    void closingASubscriptionRemovesThatListenerOnly() throws Exception {
        AtomicInteger twice = new AtomicInteger();
        AtomicInteger once = new AtomicInteger();
        List<int[]> rounds = Collections.synchronizedList(new ArrayList<>());
        try (SubnetcastEngine engine = engine()) {
            DistributionHandle handle = engine.distribute(DistributionTask.of("t", URI.create("http://127.0.0.1:9/p"),
                    dir.resolve("out")));
            Consumer<ProgressEvent> counter = event -> twice.incrementAndGet();
            ProgressSubscription first = handle.onProgress(counter);
            ProgressSubscription second = handle.onProgress(counter); // the same listener, subscribed twice
            ProgressSubscription other = handle.onProgress(event -> once.incrementAndGet());
            handle.onProgress(event -> rounds.add(new int[] {twice.get(), once.get()}));
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.size() >= 2);
            assertArrayEquals(new int[] {2, 1}, callsIn(rounds, 1), "before any close");

            first.close();
            other.close();
            other.close(); // idempotent
            // Round n was not recorded when close returned: round n + 1 started after it.
            int n = rounds.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.size() >= n + 3);
            assertArrayEquals(new int[] {1, 0}, callsIn(rounds, n + 1), "after closing one of two and the other");
            assertArrayEquals(new int[] {1, 0}, callsIn(rounds, n + 2));

            second.close();
            int m = rounds.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.size() >= m + 2);
            assertArrayEquals(new int[] {0, 0}, callsIn(rounds, m + 1), "after closing both");
        }
    }

    @Test
    void aListenerCanUnsubscribeItself() throws Exception {
        AtomicReference<ProgressSubscription> self = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger callsWhenClosed = new AtomicInteger(-1);
        AtomicInteger reports = new AtomicInteger();
        try (SubnetcastEngine engine = engine()) {
            DistributionHandle handle = engine.distribute(DistributionTask.of("t", URI.create("http://127.0.0.1:9/p"),
                    dir.resolve("out")));
            self.set(handle.onProgress(event -> { // on the engine thread, like every call below
                int call = calls.incrementAndGet();
                ProgressSubscription subscription = self.get(); // null in a report before onProgress returned
                if (subscription != null && callsWhenClosed.get() < 0) {
                    subscription.close();
                    callsWhenClosed.set(call);
                }
            }));
            handle.onProgress(event -> reports.incrementAndGet());
            await().atMost(Duration.ofSeconds(10)).until(() -> callsWhenClosed.get() > 0);
            int seen = reports.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> reports.get() >= seen + 3);
            assertEquals(callsWhenClosed.get(), calls.get(), "called after it closed its own subscription");
        }
    }
}
