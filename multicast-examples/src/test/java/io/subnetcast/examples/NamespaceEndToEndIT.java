package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/e2e/namespace-e2e.sh} against the shaded jar: two subnets of three hosts
 * in network namespaces, one agent process per host, the origin in a namespace of its own. Runs
 * in the {@code integration-test} phase (failsafe), after {@code package} built the jar.
 *
 * <p>Skipped only where {@code ip netns add} is not permitted (no root); everywhere else a
 * failing script fails the build.
 */
class NamespaceEndToEndIT {
    private static final Path JAR = Path.of("target", "subnetcast.jar");
    private static final Path SCRIPT = Path.of("src", "test", "e2e", "namespace-e2e.sh");
    private static final long SCRIPT_TIMEOUT_SECONDS = 240;

    @Test
    void sixHostsOnTwoSubnetsGetVerifiedCopiesWithOneOriginFetchPerSubnet() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run 'mvn verify', which packages first");
        assumeNamespacesCanBeCreated();
        Process script = new ProcessBuilder("bash", SCRIPT.toString(), JAR.toString()).redirectErrorStream(true).start();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> copyOutput(script, tail), "e2e-output");
        reader.start();
        boolean ended = script.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            // SIGTERM: the script's trap stops its processes and deletes its namespaces.
            script.destroy();
            if (!script.waitFor(30, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String output;
        synchronized (tail) {
            output = String.join("\n", tail);
        }
        assertTrue(ended, "the script did not end within " + SCRIPT_TIMEOUT_SECONDS + " s:\n" + output);
        assertEquals(0, script.exitValue(), "namespace-e2e.sh failed:\n" + output);
        assertTrue(output.contains("namespace-e2e: PASS"), output);
    }

    /** Echoes the script's output to the test log and keeps its last lines for the failure message. */
    private static void copyOutput(Process script, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 60) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("reading the script's output failed: " + e);
        }
    }

    private static void assumeNamespacesCanBeCreated() throws InterruptedException {
        String name = "sce2e-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String why;
        try {
            Process add = new ProcessBuilder("ip", "netns", "add", name).redirectErrorStream(true).start();
            String output = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (add.waitFor() == 0) {
                new ProcessBuilder("ip", "netns", "del", name).inheritIO().start().waitFor();
                return;
            }
            why = "'ip netns add' is not permitted here: " + output;
        } catch (IOException e) {
            why = "cannot run 'ip' (iproute2): " + e.getMessage();
        }
        System.out.println("SKIPPED the network-namespace end-to-end test: " + why + " (it needs root)");
        Assumptions.abort(why);
    }
}
