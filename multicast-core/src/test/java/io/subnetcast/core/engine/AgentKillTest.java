package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import io.subnetcast.core.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member in its own JVM is killed with SIGKILL mid-transfer and restarted: it reloads and
 * re-verifies its cache, keeps what it held, and takes only the rest.
 */
class AgentKillTest {
    private static final long LENGTH = 24L << 20;
    private static final long RATE = 40_000_000L; // 24 MiB take about 5 s

    @TempDir
    Path dir;

    @Test
    void aMemberKilledMidTransferRestartsWithItsCacheAndTakesOnlyTheRest() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg"), LENGTH, 9);
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1)).blockSize(64 * 1024)
                .rateBitsPerSecond(RATE).linger(Duration.ofSeconds(20)).dataPort(control.getPort() + 1).build();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).build();
             SubnetcastEngine representative = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                     .session(session).cacheDirectory(dir.resolve("rep")).build()) {
            URI uri = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/pkg");
            DistributionHandle rep = representative.distribute(DistributionTask.of("killed", uri, dir.resolve("rep.bin")));
            // The member joins a session; started within the representative's discovery window, a
            // child JVM could win the claim and download everything itself (seen on an idle machine:
            // the whole package held at its first progress report, 1.7 s into the test).
            long electedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rep.progress().role() != Role.REPRESENTATIVE && System.nanoTime() - electedBy < 0) {
                Thread.sleep(20);
            }
            assertEquals(Role.REPRESENTATIVE, rep.progress().role(), "the engine in the test leads the session");
            Process first = start(uri, control);
            long heldAtKill = 0;
            try (BufferedReader out = reader(first)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("held ")) {
                        heldAtKill = Long.parseLong(line.substring(5));
                        if (heldAtKill > LENGTH / 4) {
                            first.destroyForcibly(); // SIGKILL, mid-transfer
                            break;
                        }
                    }
                }
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            } finally {
                first.destroyForcibly();
            }
            assertTrue(heldAtKill > LENGTH / 4 && heldAtKill < LENGTH, "killed mid-transfer at " + heldAtKill);

            Process second = start(uri, control);
            long opened = -1;
            long[] taken = null;
            try (BufferedReader out = reader(second)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("opened ")) {
                        opened = Long.parseLong(line.substring(7));
                    } else if (line.startsWith("done ")) {
                        String[] parts = line.split(" ");
                        taken = new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])};
                    }
                }
                assertTrue(second.waitFor(90, TimeUnit.SECONDS));
                assertEquals(0, second.exitValue());
            } finally {
                second.destroyForcibly();
            }
            assertTrue(opened >= heldAtKill, "the restart kept its verified blocks: " + opened + " of " + heldAtKill);
            long takenTotal = taken[0] + taken[1] + taken[2];
            System.out.printf("member killed holding %d bytes; restarted with %d; took %d more (multicast %d, repair %d,"
                    + " origin %d) for a %d-byte package%n", heldAtKill, opened, takenTotal, taken[0], taken[1], taken[2], LENGTH);
            assertTrue(takenTotal <= LENGTH - opened + (LENGTH / 10), "took " + takenTotal + " bytes");
            assertArrayEquals(BlockHashes.newSha256().digest(Files.readAllBytes(www.resolve("pkg"))),
                    BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("member.bin"))));
            rep.completion().get(30, TimeUnit.SECONDS);
            assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("rep.bin"))));
        }
    }

    private Process start(URI uri, InetSocketAddress control) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", ChildJvm.transportOption(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), AgentChild.class.getName(), uri.toString(),
                dir.resolve("member-cache").toString(), dir.resolve("member.bin").toString(),
                control.getAddress().getHostAddress(), Integer.toString(control.getPort()), Long.toString(RATE))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
