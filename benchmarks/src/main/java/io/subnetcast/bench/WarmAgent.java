package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import io.subnetcast.repair.PeerRepair;
import io.subnetcast.repair.PeerRepairConfig;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One agent as a long-running process runs it (the library embedded in a distribution agent): one
 * engine, several tasks of the same package one after the other, and the process's CPU time for each.
 * The first round pays the JVM's class loading and compilation, as every {@code subnetcast agent}
 * does; later rounds show what a warm agent spends per transfer. The testbed runs it on every host
 * ({@code benchmarks/testbed/run.sh --tools=subnetcast-warm}); every host must be given the same
 * rounds. Each round's task id differs ({@code PREFIX-1}, {@code PREFIX-2}, ...), so that no round
 * can find the package in the cache an earlier round filled, and every copy but the last is deleted
 * after its round.
 *
 * <p>Usage: {@code java -cp subnetcast.jar:benchmarks/target/classes io.subnetcast.bench.WarmAgent
 * interface=lan0 url=URL sha256=HEX group=ADDR:PORT dir=DIR task=PREFIX [rounds=2] [rate=500m]
 * [startDelay=1] [linger=30]} (seconds). Prints one JSON line per round on stdout.
 */
public final class WarmAgent {
    private WarmAgent() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are name=value: " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String iface = require(a, "interface");
        URI url = URI.create(require(a, "url"));
        byte[] sha = BlockHashes.parseSha256(require(a, "sha256"));
        String group = require(a, "group");
        Path dir = Path.of(require(a, "dir"));
        String prefix = require(a, "task");
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
        long rate = bitsPerSecond(a.getOrDefault("rate", "500m"));
        Duration startDelay = Duration.ofMillis((long) (Double.parseDouble(a.getOrDefault("startDelay", "1")) * 1000));
        Duration linger = Duration.ofSeconds(Long.parseLong(a.getOrDefault("linger", "30")));
        int colon = group.lastIndexOf(':');
        InetSocketAddress control = new InetSocketAddress(group.substring(0, colon),
                Integer.parseInt(group.substring(colon + 1)));

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        SessionConfig config = SessionConfig.builder().startDelay(startDelay).rateBitsPerSecond(rate)
                .linger(linger).dataPort(control.getPort() + 1).build();
        try (SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface(iface).controlGroup(control)
                .cacheDirectory(Files.createDirectories(dir.resolve("cache"))).session(config)
                .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults())).build()) {
            for (int round = 1; round <= rounds; round++) {
                Path out = dir.resolve("pkg-" + round + ".bin");
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                DistributionHandle handle = engine.distribute(
                        DistributionTask.of(prefix + "-" + round, url, out).withSha256(sha));
                handle.completion().get(10, TimeUnit.MINUTES);
                long placedNs = System.nanoTime();
                long placedCpu = os.getProcessCpuTime();
                handle.finished().get(10, TimeUnit.MINUTES);
                long cpu1 = os.getProcessCpuTime();
                SessionProgress p = handle.progress();
                System.out.println(String.format(Locale.ROOT,
                        "{\"round\":%d,\"role\":\"%s\",\"seconds\":%.3f,\"cpu_placed\":%.3f,\"cpu_round\":%.3f,"
                                + "\"bytes_origin\":%d,\"bytes_multicast\":%d,\"bytes_repair\":%d}",
                        round, p.role().name().toLowerCase(Locale.ROOT), (placedNs - t0) / 1e9,
                        (placedCpu - cpu0) / 1e9, (cpu1 - cpu0) / 1e9, p.bytesFromOrigin(), p.bytesFromMulticast(),
                        p.bytesFromRepair()));
                System.out.flush();
                if (round < rounds) {
                    Files.deleteIfExists(out); // the next round needs the room, not the copy
                }
            }
        }
    }

    /** {@code 500m}, {@code 2g}, {@code 900000k} or bits per second. */
    private static long bitsPerSecond(String rate) {
        String r = rate.toLowerCase(Locale.ROOT);
        char unit = r.charAt(r.length() - 1);
        long scale = unit == 'k' ? 1_000L : unit == 'm' ? 1_000_000L : unit == 'g' ? 1_000_000_000L : 1;
        return Long.parseLong(scale == 1 ? r : r.substring(0, r.length() - 1)) * scale;
    }

    private static String require(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name + "=...");
        }
        return v;
    }
}
