package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoCommandTest {
    @Test
    @Timeout(90)
    void threeAgentsOnLoopbackAllVerifyAndTheOriginServesThePackageOnce() throws IOException {
        Set<Path> before = demoDirectories();
        Cli.Result result = Cli.run("demo", "--size", "8m", "--agents", "3", "--start-delay", "1s", "--rate", "100m");
        assertEquals(0, result.exitCode(), result.out() + result.err());
        String out = result.out();
        assertTrue(out.contains("start delay: 1s"), out);
        assertTrue(out.contains("agent  role            joined  loss  from origin  from multicast  from repair*"), out);
        assertTrue(out.contains("3 of 3 copies verified"), out);
        assertTrue(out.contains("origin served 8.0 MiB in 2 requests for a 8.0 MiB package: 1.00x the package size"), out);
        assertEquals(1, out.lines().filter(l -> l.matches("\\d+ +representative .*")).count(), out);
        assertEquals(3, out.lines().filter(l -> l.matches("\\d+ +(representative|receiver) .* yes")).count(), out);
        assertTrue(out.contains("agent 3 joins once a quarter"), "one agent is late: " + out);
        assertTrue(result.err().contains("agent 3: RECEIVING as receiver"), "the late agent joined the multicast: "
                + result.err());
        assertEquals(before, demoDirectories(), "the demo removed its temporary files");
    }

    @Test
    void badInput() {
        Cli.run("demo", "--agents", "0").assertOneLineError("--agents must be 1 to 16");
        Cli.run("demo", "--size", "huge").assertOneLineError("'huge' is not a size");
        Cli.run("demo", "--loss", "2").assertOneLineError("must be at least 0 and below 1");
    }

    private static Set<Path> demoDirectories() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("subnetcast-demo-")).collect(Collectors.toSet());
        }
    }
}
