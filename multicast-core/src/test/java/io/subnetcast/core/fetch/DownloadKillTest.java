package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download killed with SIGKILL mid-way restarts, keeps every verified block, and fetches exactly
 * the bytes it did not hold, from the project's own file server.
 */
class DownloadKillTest {
    private static final int BLOCK = 1 << 20;
    private static final long LENGTH = 96L * BLOCK + 4321;

    @TempDir
    Path dir;

    @Test
    void aKilledDownloadResumesWithOnlyWhatWasMissing() throws Exception {
        Path served = Files.createDirectories(dir.resolve("www"));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(served.resolve("pkg.bin"))) {
            byte[] chunk = new byte[BLOCK];
            for (long offset = 0; offset < LENGTH; offset += chunk.length) {
                int n = (int) Math.min(chunk.length, LENGTH - offset);
                for (int i = 0; i < n; i++) {
                    chunk[i] = TestHttpServer.byteAt(offset + i, 3);
                }
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        byte[] sha = digest.digest();
        AtomicLong bodyBytes = new AtomicLong();
        try (FileServer server = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(served).requestListener(r -> bodyBytes.addAndGet(r.bodyBytes())).build()) {
            InetSocketAddress address = server.start();
            String url = "http://127.0.0.1:" + address.getPort() + "/pkg.bin";

            Set<Integer> committedBeforeKill = new HashSet<>();
            Process first = start(url, sha);
            try (BufferedReader out = reader(first)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("committed ")) {
                        committedBeforeKill.add(Integer.parseInt(line.substring(10)));
                        if (committedBeforeKill.size() == 12) {
                            first.destroyForcibly(); // SIGKILL
                            break;
                        }
                    }
                }
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            } finally {
                first.destroyForcibly();
            }
            assertEquals(12, committedBeforeKill.size(), "the child must be killed mid-way");

            Process second = start(url, sha);
            int heldAtRestart = -1;
            long receivedSecondRun = -1;
            Set<Integer> committedAfter = new HashSet<>();
            try (BufferedReader out = reader(second)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("opened ")) {
                        heldAtRestart = Integer.parseInt(line.split(" ")[1]);
                        assertEquals("0", line.split(" ")[3], "no block failed re-verification");
                    } else if (line.startsWith("committed ")) {
                        int block = Integer.parseInt(line.substring(10));
                        assertTrue(committedAfter.add(block));
                        assertTrue(!committedBeforeKill.contains(block), "verified block " + block + " fetched again");
                    } else if (line.startsWith("received ")) {
                        receivedSecondRun = Long.parseLong(line.substring(9));
                    }
                }
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, second.exitValue());
            } finally {
                second.destroyForcibly();
            }
            assertTrue(heldAtRestart >= 12 && heldAtRestart < 97, "held " + heldAtRestart + " blocks at restart");
            assertEquals(LENGTH - (long) heldAtRestart * BLOCK, receivedSecondRun,
                    "the restart fetched exactly the bytes it did not hold");
            assertEquals(97 - heldAtRestart, committedAfter.size());
            assertArrayEquals(sha, BlockHashes.newSha256().digest(Files.readAllBytes(dir.resolve("out.bin"))));
        }
    }

    private Process start(String url, byte[] sha) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", ChildJvm.transportOption(), "-cp", System.getProperty("java.class.path"),
                DownloadChild.class.getName(), url, dir.resolve("cache").toString(), BlockHashes.toHex(sha),
                dir.resolve("out.bin").toString(), Integer.toString(BLOCK))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
