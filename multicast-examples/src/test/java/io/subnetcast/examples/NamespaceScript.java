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
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of the network-namespace scripts in {@code src/test/e2e} against the shaded jar and
 * fails with the script's last lines unless it ends in time and says PASS. Skips, saying why, where
 * {@code ip netns add} is not permitted (no root).
 */
final class NamespaceScript {
    private static final Path JAR = Path.of("target", "subnetcast.jar");

    private NamespaceScript() {
    }

    /**
     * @param script the script, relative to the module
     * @param passMarker what its PASS line starts with
     * @param timeoutSeconds how long it may run
     * @param environment extra environment variables
     */
    static void run(Path script, String passMarker, long timeoutSeconds, Map<String, String> environment)
            throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run 'mvn verify', which packages first");
        assumeNamespacesCanBeCreated();
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), JAR.toString()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> copyOutput(process, tail), "e2e-output");
        reader.start();
        boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!ended) {
            // SIGTERM: the script's trap stops its processes and deletes its namespaces.
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String output;
        synchronized (tail) {
            output = String.join("\n", tail);
        }
        assertTrue(ended, "the script did not end within " + timeoutSeconds + " s:\n" + output);
        assertEquals(0, process.exitValue(), script.getFileName() + " failed:\n" + output);
        assertTrue(output.contains(passMarker), output);
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
