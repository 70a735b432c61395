package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import io.subnetcast.core.testing.Skips;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache on a file system that fills up: the task fails cleanly with the reason, nothing is placed,
 * and once space is free the task completes from what was cached. Needs root for a small tmpfs.
 */
class DiskFullTest {
    @TempDir
    Path dir;
    private Path mount;

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    /** Mounts a 3 MiB tmpfs with 1 MiB left free; skips the test without root. */
    private Path mountAlmostFullTmpfs() throws Exception {
        mount = Files.createDirectories(dir.resolve("small"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString()) == 0;
        if (!mounted) {
            mount = null;
        }
        Skips.unless(mounted, "cannot mount a tmpfs here (needs root): skipping the disk-full test");
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[2 << 20]);
        return filler;
    }

    @Test
    void aFullDiskOnAMemberFailsItCleanlyWhileTheSessionGoesOnAndItRecoversOnceSpaceIsFree() throws Exception {
        Path filler = mountAlmostFullTmpfs();
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg"), 2L << 20, 5);
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofMillis(500)).blockSize(64 * 1024)
                .linger(Duration.ofSeconds(20)).dataPort(control.getPort() + 1).build();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).build();
             SubnetcastEngine representative = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                     .session(session).cacheDirectory(dir.resolve("rep-cache")).build()) {
            URI uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg");
            DistributionHandle leader = representative.distribute(DistributionTask.of("pkg", uri, dir.resolve("rep.bin"))
                    .withSha256(sha));
            Path destination = dir.resolve("member.bin");
            try (SubnetcastEngine member = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                    .session(session).cacheDirectory(mount.resolve("cache")).build()) {
                DistributionHandle handle = member.distribute(DistributionTask.of("pkg", uri, destination).withSha256(sha));
                ExecutionException e = assertThrows(ExecutionException.class, () -> handle.completion().get(60, TimeUnit.SECONDS));
                String reason = e.getCause().getMessage();
                System.out.println("disk full on a member: " + reason);
                assertTrue(reason.contains("No space left on device"), reason);
                assertTrue(reason.contains("cache"), "the reason says it is the cache: " + reason);
                assertTrue(handle.progress().state() == AgentState.FAILED);
            }
            leader.completion().get(60, TimeUnit.SECONDS);
            assertFalse(Files.exists(destination), "nothing is placed");
            Files.delete(filler);
            try (SubnetcastEngine member = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                    .session(session).cacheDirectory(mount.resolve("cache")).build()) {
                member.distribute(DistributionTask.of("pkg", uri, destination).withSha256(sha)).completion()
                        .get(60, TimeUnit.SECONDS);
            }
            assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(destination)));
        }
    }

    @Test
    void aFullDiskFailsTheTaskCleanlyAndItRecoversOnceSpaceIsFree() throws Exception {
        Path filler = mountAlmostFullTmpfs(); // 1 MiB left on a 3 MiB file system
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg"), 2L << 20, 3);
        Path destination = dir.resolve("out.bin");
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofMillis(200)).blockSize(64 * 1024)
                .linger(Duration.ofMillis(500)).dataPort(control.getPort() + 1).build();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).build()) {
            URI uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg");
            long held;
            try (SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                    .session(session).cacheDirectory(mount.resolve("cache")).build()) {
                DistributionHandle handle = engine.distribute(DistributionTask.of("pkg", uri, destination).withSha256(sha));
                ExecutionException e = assertThrows(ExecutionException.class, () -> handle.completion().get(60, TimeUnit.SECONDS));
                String reason = e.getCause().getMessage();
                System.out.println("disk full: " + reason);
                assertTrue(reason.contains("No space left on device"), reason);
                assertTrue(reason.contains("cache"), "the reason says it is the cache: " + reason);
                assertTrue(handle.progress().state() == AgentState.FAILED);
                held = handle.progress().bytesHeld();
            }
            assertFalse(Files.exists(destination), "nothing is placed");
            Files.delete(filler); // space is free again
            try (SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                    .session(session).cacheDirectory(mount.resolve("cache")).build()) {
                DistributionHandle handle = engine.distribute(DistributionTask.of("pkg", uri, destination).withSha256(sha));
                handle.completion().get(60, TimeUnit.SECONDS);
                assertTrue(handle.progress().bytesFromOrigin() <= (2L << 20) - held,
                        "fetched again only what was not cached: " + handle.progress().bytesFromOrigin());
            }
            assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(destination)));
        }
    }
}
