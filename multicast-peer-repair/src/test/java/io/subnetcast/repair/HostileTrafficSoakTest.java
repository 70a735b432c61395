package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.fetch.HttpFetcher;
import io.subnetcast.core.serve.FileServer;
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
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: a million hostile datagrams ({@link HostileTraffic}) at a live transfer between three
 * engines on the loopback interface, while Netty's paranoid leak detector watches every buffer.
 * The transfer completes byte for byte, nothing leaks, and the heap after the attack is within a
 * bound of the heap before it.
 *
 * <p>Without a session key, a well-formed control message that names the task and carries a
 * made-up node id is indistinguishable from a real one, so the unkeyed run leaves those out
 * (replays, mutations that break parsing, other tasks' ids and forged data are all in); the trusted
 * manifest makes every forged or flipped data byte fail verification. The keyed run sends
 * everything, well-formed forgeries in the representative's name included.
 */
class HostileTrafficSoakTest {
    private static final long LENGTH = 24L << 20;
    private static final int BLOCK = 64 * 1024;
    private static final long DATAGRAMS = 1_000_000;
    private static final int PER_MILLISECOND = 120;

    @TempDir
    Path dir;

    @Test
    void aMillionHostileDatagramsChangeNothingInTheResult() throws Exception {
        soak(null);
    }

    /**
     * With a session key (authenticate only, so the attacker reads every message and knows the
     * session, the representative's node id and its epoch) every forgery is in: claims, beacons,
     * ends, NAKs, haves, statuses and manifests in the representative's name, replays and flips of
     * sealed datagrams. None of it reaches an agent.
     */
    @Test
    void withASessionKeyEvenWellFormedForgeriesChangeNothing() throws Exception {
        byte[] material = new byte[SessionKey.AES_128];
        new java.security.SecureRandom().nextBytes(material);
        soak(SessionKey.of(material));
    }

    private void soak(SessionKey key) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg.bin"), LENGTH, 21);
        byte[] manifest = TrustedManifest.of(www.resolve("pkg.bin"), BLOCK).toBytes();
        Files.write(www.resolve("pkg.manifest"), manifest);
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1)).blockSize(BLOCK)
                .rateBitsPerSecond(20_000_000L).linger(Duration.ofSeconds(20)).dataPort(control.getPort() + 1).build();
        AtomicLong originBytes = new AtomicLong();
        AtomicLong received = new AtomicLong();
        List<SubnetcastEngine> engines = new ArrayList<>();
        // Paranoid tracking records a stack trace for each of about two million received buffers,
        // which would make this test take minutes on two cores; advanced samples one in 128 of
        // them, and a leak on any path a datagram takes shows up within the first thousands.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.ADVANCED);
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build();
             HttpFetcher fetcher = HttpFetcher.builder().build();
             HostileTraffic attacker = new HostileTraffic(control, "pkg", key != null, 7)) {
            String base = "http://127.0.0.1:" + origin.start().getPort();
            DistributionTask task = DistributionTask.of("pkg", URI.create(base + "/pkg.bin"), dir.resolve("unused"))
                    .withSha256(sha).withManifest(URI.create(base + "/pkg.manifest"), BlockHashes.newSha256().digest(manifest));
            if (key != null) {
                task = task.withKey(key, false);
            }
            long heapBefore = usedHeapAfterGc();
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                engines.add(SubnetcastEngine.builder().networkInterface("lo").controlGroup(control).session(session)
                        .cacheDirectory(dir.resolve("cache" + i)).httpFetcher(fetcher)
                        .receiveLoss(() -> received.incrementAndGet() < 0) // counts, never drops
                        .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults())).build());
                handles.add(engines.get(i).distribute(task.withDestination(dir.resolve("out" + i))));
            }
            Attack attack = Attack.run(attacker, handles);
            for (DistributionHandle handle : handles) {
                handle.completion().get(600, TimeUnit.SECONDS); // a runaway bound, not a speed limit
            }
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out" + i))), "copy " + i);
            }
            StringBuilder dropped = new StringBuilder();
            for (SubnetcastEngine engine : engines) {
                dropped.append(' ').append(engine.authCounters());
            }
            closeAll(engines); // before the fetcher they share
            long heapAfter = usedHeapAfterGc();
            System.out.printf("soak%s: %s; engines received %d datagrams; origin served %d bytes for a %d-byte package;"
                    + " heap after GC %d -> %d KiB; dropped as unauthentic per engine:%s%n", key == null ? "" : " (keyed)",
                    attack, received.get(), originBytes.get(), LENGTH, heapBefore >> 10, heapAfter >> 10, dropped);
            // The package once, and the trusted manifest once per agent: with a key and without one.
            assertEquals(LENGTH + 3L * manifest.length, originBytes.get(), "forgeries cost origin traffic");
            assertTrue(attacker.sent >= DATAGRAMS, "the attack was cut short: " + attacker.sent);
            assertTrue(attacker.knowsSession(), "the attacker never heard the session's data");
            assertTrue(attack.sentWhileLive >= DATAGRAMS / 4, "too little of the attack hit the live transfer: " + attack);
            assertTrue(received.get() >= DATAGRAMS, "the engines received only " + received.get() + " datagrams");
            assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew from " + heapBefore + " to " + heapAfter);
        } finally {
            closeAll(engines);
            ResourceLeakDetector.setLevel(level);
        }
    }

    /**
     * The attack's course: bounded by {@link #DATAGRAMS} and 600 s, paced at {@link #PER_MILLISECOND}.
     * The time bound only stops a runaway loop (the attack takes about 26 s here): it is no speed
     * assertion, so a slow machine takes longer instead of failing.
     */
    private record Attack(HostileTraffic attacker, double seconds, long sentWhileLive, double transferSeconds) {
        static Attack run(HostileTraffic attacker, List<DistributionHandle> handles) throws Exception {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(600);
            long next = start;
            long sentWhileLive = 0;
            double transferSeconds = 0;
            while (attacker.sent < DATAGRAMS && System.nanoTime() < deadline) {
                attacker.listen();
                for (int i = 0; i < PER_MILLISECOND && attacker.sent < DATAGRAMS; i++) {
                    attacker.sendOne();
                }
                if (handles.stream().anyMatch(h -> !h.completion().isDone())) {
                    sentWhileLive = attacker.sent;
                    transferSeconds = (System.nanoTime() - start) / 1e9;
                }
                next += 1_000_000;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
            return new Attack(attacker, (System.nanoTime() - start) / 1e9, sentWhileLive, transferSeconds);
        }

        @Override
        public String toString() {
            StringBuilder kinds = new StringBuilder();
            for (int k = 0; k < HostileTraffic.KINDS.length; k++) {
                kinds.append(k == 0 ? "" : ", ").append(HostileTraffic.KINDS[k]).append(' ').append(attacker.sentByKind[k]);
            }
            return String.format("%d hostile datagrams in %.1f s (%s), %d of them while the transfer ran;"
                    + " all copies verified after %.1f s", attacker.sent, seconds, kinds, sentWhileLive, transferSeconds);
        }
    }

    private static void closeAll(List<SubnetcastEngine> engines) {
        engines.forEach(SubnetcastEngine::close);
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
