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
import io.subnetcast.core.testing.Skips;

/**
 * Runs one of the network-namespace scripts in {@code src/test/e2e} against the shaded jar and
 * fails with the script's last lines unless it ends in time and says PASS. Skips, saying why, where
 * {@code ip netns add} is not permitted (no root).
 */
final class NamespaceScript {
    private static final Path JAR = Path.of("target", "subnetcast.jar");
    /**
     * {@code E2E_JAVA_OPTS} for a run on Netty's NIO transport, the one Windows and macOS run
     * (noNative makes epoll report itself unavailable); otherwise the scripts' own small-JVM options.
     */
    static final String NIO_JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dio.netty.transport.noNative=true";

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
        run(script, passMarker, timeoutSeconds, environment, false);
    }

    /**
     * @param script the script, relative to the module
     * @param passMarker what its PASS line starts with
     * @param timeoutSeconds how long it may run
     * @param environment extra environment variables
     * @param needsTbf whether the script shapes links with tc tbf
     */
    static void run(Path script, String passMarker, long timeoutSeconds, Map<String, String> environment,
            boolean needsTbf) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run 'mvn verify', which packages first");
        assumeNamespacesCanBeCreated(needsTbf);
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

    /**
     * Skips (or, with {@link Skips#STRICT}, fails) where the script cannot run: {@code ip netns add}
     * refused, or, for a script that shapes links, no {@code tc} tbf qdisc ({@code sch_tbf}).
     */
    private static void assumeNamespacesCanBeCreated(boolean needsTbf) throws InterruptedException {
        String name = "sce2e-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String why = null;
        try {
            String[] added = exec("ip", "netns", "add", name);
            if (added[0].equals("0")) {
                try {
                    if (needsTbf) {
                        // A veth pair, as the scripts use (the dummy link type is not built into every kernel).
                        String[] dummy = exec("ip", "-n", name, "link", "add", "probe0", "type", "veth", "peer", "name",
                                "probe1");
                        String[] tbf = dummy[0].equals("0") ? exec("ip", "netns", "exec", name, "tc", "qdisc", "add", "dev",
                                "probe0", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "20ms")
                                : dummy;
                        if (!tbf[0].equals("0")) {
                            why = "no tc tbf qdisc here (sch_tbf): " + tbf[1];
                        }
                    }
                } finally {
                    exec("ip", "netns", "del", name);
                }
            } else {
                why = "'ip netns add' is not permitted here: " + added[1];
            }
        } catch (IOException e) {
            why = "cannot run 'ip' or 'tc' (iproute2): " + e.getMessage();
        }
        Skips.unless(why == null, "the network-namespace end-to-end test cannot run: " + why + " (it needs root)");
    }

    /** @return the exit status and the output of a command */
    private static String[] exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new String[] {Integer.toString(process.waitFor()), output};
    }
}
