package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole path on real sockets, loopback only: one {@link SubnetcastEngine} (the sender, by
 * priority) fetches a package from a {@link FileServer} on 127.0.0.1 and multicasts it on interface
 * {@code lo} to {@code receivers} other engines in the same JVM, at {@code rateBitsPerSecond}. One
 * operation is one task delivered and verified (whole-file SHA-256) on every receiver; the score is
 * its wall time, election and a 200 ms start delay included. Delivered throughput is
 * {@code receivers * packageMiB / score}; each operation also prints its multicast phase alone
 * (from the sender's first SENDING report to the last receiver's completion) and, inside it, the
 * sender's first pass (until the sender reports its pass over).
 *
 * <p>Nothing leaves the machine: the origin listens on 127.0.0.1, the engines use interface
 * {@code lo}, and the control and data groups are random ones in 239.255.200.0 - 239.255.254.255 with
 * random ports, so that tests running at the same time on this machine do not hear them. Every wait
 * is bounded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class LoopbackDeliveryBenchmark {
    private static final long DELIVERY_TIMEOUT_S = 120;
    private static final long FINISH_TIMEOUT_S = 30;

    /** Engines that receive the package (besides the sender). */
    @Param({"3"})
    public int receivers;

    /** Package size in MiB. */
    @Param({"64"})
    public int packageMiB;

    /** Multicast send rate. */
    @Param({"2000000000"})
    public long rateBitsPerSecond;

    private Path work;
    private FileServer origin;
    private URI uri;
    private byte[] sha;
    private final AtomicLong originBytes = new AtomicLong();
    private final List<SubnetcastEngine> engines = new ArrayList<>();
    private List<DistributionHandle> handles = new ArrayList<>();
    private int round;
    private String taskId;

    /**
     * Writes the package, starts the origin and the engines.
     *
     * @throws Exception on failure
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        work = BenchFiles.tempDirectory("subnetcast-loopback-bench");
        Path www = Files.createDirectories(work.resolve("www"));
        sha = writePackage(www.resolve("pkg.bin"), (long) packageMiB << 20);
        origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).rootDirectory(www)
                .requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build();
        uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg.bin");
        SplittableRandom random = new SplittableRandom();
        InetSocketAddress control = new InetSocketAddress(
                "239.255." + (200 + random.nextInt(50)) + "." + (1 + random.nextInt(250)), 20_000 + random.nextInt(20_000));
        Inet4Address dataBase = (Inet4Address) InetAddress.getByAddress(
                new byte[] {(byte) 239, (byte) 255, (byte) (250 + random.nextInt(5)), 0});
        SessionConfig session = SessionConfig.builder()
                .startDelay(Duration.ofMillis(200))
                .discoveryTimeout(Duration.ofMillis(300))
                .claimJitter(Duration.ofMillis(20))
                .claimWindow(Duration.ofMillis(100))
                .linger(Duration.ZERO)
                .rateBitsPerSecond(rateBitsPerSecond)
                .dataGroups(dataBase, 256)
                .dataPort(control.getPort() + 1)
                .build();
        for (int i = 0; i <= receivers; i++) {
            engines.add(SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                    .cacheDirectory(work.resolve("cache" + i)).session(session).blockServer(false, 0).build());
        }
    }

    /** Stops the engines and the origin and deletes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (SubnetcastEngine engine : engines) {
            engine.close();
        }
        if (origin != null) {
            origin.close();
        }
        BenchFiles.deleteTree(work);
    }

    /** Names a fresh task, so that no cache holds it. */
    @Setup(Level.Invocation)
    public void newTask() {
        taskId = "bench-" + (++round);
        originBytes.set(0);
    }

    /**
     * One package to every receiver.
     *
     * @return the receivers' published paths
     * @throws Exception if a receiver fails or the delivery exceeds its time bound
     */
    @Benchmark
    public List<Path> deliver() throws Exception {
        handles = new ArrayList<>();
        AtomicLong sendingSinceNs = new AtomicLong();
        AtomicLong passOverNs = new AtomicLong();
        for (int i = 0; i <= receivers; i++) {
            DistributionTask task = DistributionTask.of(taskId, uri, work.resolve("out-" + i + "-" + taskId)).withSha256(sha);
            DistributionHandle handle = engines.get(i).distribute(i == 0 ? task.withPriority(10) : task);
            if (i == 0) {
                handle.onProgress(e -> {
                    if (e.progress().state() == AgentState.SENDING) {
                        sendingSinceNs.compareAndSet(0, System.nanoTime());
                    } else if (e.progress().state() == AgentState.COMPLETE && sendingSinceNs.get() != 0) {
                        passOverNs.compareAndSet(0, System.nanoTime());
                    }
                });
            }
            handles.add(handle);
        }
        List<Path> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DELIVERY_TIMEOUT_S);
        for (int i = 1; i <= receivers; i++) {
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                out.add(handles.get(i).completion().get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                throw new IllegalStateException("receiver " + i + " not done in " + DELIVERY_TIMEOUT_S + " s: "
                        + handles.get(i).progress(), e);
            }
        }
        long end = System.nanoTime();
        if (handles.get(0).progress().role() != Role.REPRESENTATIVE) {
            throw new IllegalStateException("the sender engine was not elected: " + handles.get(0).progress());
        }
        if (sendingSinceNs.get() != 0) {
            double seconds = (end - sendingSinceNs.get()) / 1e9;
            double passSeconds = passOverNs.get() == 0 ? Double.NaN : (passOverNs.get() - sendingSinceNs.get()) / 1e9;
            long fromMulticast = 0;
            long fromRepair = 0;
            for (int i = 1; i <= receivers; i++) {
                fromMulticast += handles.get(i).progress().bytesFromMulticast();
                fromRepair += handles.get(i).progress().bytesFromRepair();
            }
            System.out.printf("  [%s] multicast phase %.3f s (first pass %.3f s, %.1f MB/s sent): %.1f MB/s delivered"
                    + " to %d receivers; origin served %d bytes; receivers took %d bytes from the first pass and %d"
                    + " from retransmission%n", taskId, seconds, passSeconds, ((long) packageMiB << 20) / passSeconds / 1e6,
                    (double) receivers * ((long) packageMiB << 20) / seconds / 1e6, receivers, originBytes.get(),
                    fromMulticast, fromRepair);
        }
        return out;
    }

    /**
     * Waits (bounded) until every agent stopped taking part, then deletes the copies and cache entries.
     *
     * @throws Exception if an agent does not stop in time
     */
    @TearDown(Level.Invocation)
    public void finishTask() throws Exception {
        for (DistributionHandle handle : handles) {
            try {
                handle.finished().get(FINISH_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                handle.cancel();
                handle.finished().get(FINISH_TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        for (int i = 0; i <= receivers; i++) {
            Files.deleteIfExists(work.resolve("out-" + i + "-" + taskId));
            BenchFiles.deleteTree(work.resolve("cache" + i).resolve(taskId));
        }
    }

    private static byte[] writePackage(Path file, long length) throws IOException {
        MessageDigest digest = BlockHashes.newSha256();
        byte[] chunk = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(11);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; written += chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, length - written);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        return digest.digest();
    }
}
