package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL several times and proves that every restart keeps the
 * blocks it had verified, never writes a verified block again, and ends with the exact package.
 */
class CacheKillTest {
    private static final long LENGTH = 96L << 20;
    private static final int BLOCK = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void survivesSigkillAtArbitraryMomentsAndNeverRewritesVerifiedBlocks() throws Exception {
        Set<Integer> committed = new HashSet<>();
        int[] killAfter = {150, 300, 200};
        int kills = 0;
        for (int run = 0; run < killAfter.length + 1; run++) {
            Process child = startChild();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seenThisRun = 0;
                boolean killed = false;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("opened ")) {
                        int present = Integer.parseInt(line.split(" ")[1]);
                        assertTrue(present >= committed.size(),
                                "restart holds " + present + " blocks, fewer than the " + committed.size() + " reported");
                    } else if (line.startsWith("committed ")) {
                        int index = Integer.parseInt(line.substring("committed ".length()));
                        assertTrue(committed.add(index), "block " + index + " was verified before and written again");
                        if (run < killAfter.length && ++seenThisRun == killAfter[run]) {
                            child.destroyForcibly(); // SIGKILL on Linux
                            killed = true;
                            kills++;
                            break;
                        }
                    }
                }
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not end");
                if (!killed) {
                    assertEquals(0, child.exitValue(), "child failed");
                }
            } finally {
                child.destroyForcibly();
            }
        }
        assertTrue(kills >= 2, "the test must actually kill the writer mid-way; it was killed " + kills + " times");
        BlockCache cache = BlockCache.open(dir);
        try (BlockFile file = cache.open("killed", LENGTH, BLOCK, "v")) {
            assertTrue(file.isComplete());
            assertEquals(0, file.droppedOnOpen());
            byte[] expected = BlockHashes.newSha256().digest(BlockFileTest.pattern(0, (int) LENGTH));
            assertArrayEquals(expected, file.publish(dir.resolve("package.bin"), expected));
        }
    }

    private Process startChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CacheWriterChild.class.getName(), dir.toString(), Long.toString(LENGTH), Integer.toString(BLOCK))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
