package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input to {@code agent} ends in one clear line and a non-zero status, before any traffic. */
class AgentErrorsTest {
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private String[] agent(String... overrides) {
        List<String> args = new ArrayList<>(List.of("agent", "--task", "t1", "--url", "http://127.0.0.1:9/pkg.bin",
                "--out", dir.resolve("pkg.bin").toString(), "--interface", "lo", "--cache-dir",
                dir.resolve("cache").toString(), "--sha256", SHA, "--group", "239.255.250.1:30000"));
        for (int i = 0; i < overrides.length; i += 2) {
            int at = args.indexOf(overrides[i]);
            if (overrides[i + 1] == null) {
                args.remove(at + 1);
                args.remove(at);
            } else if (at >= 0) {
                args.set(at + 1, overrides[i + 1]);
            } else {
                args.add(overrides[i]);
                args.add(overrides[i + 1]);
            }
        }
        return args.toArray(String[]::new);
    }

    @Test
    void badKeyFile() throws Exception {
        Path shortKey = Files.write(dir.resolve("short.key"), new byte[] {1, 2, 3, 4, 5});
        Cli.Result result = Cli.run(agent("--key-file", shortKey.toString()))
                .assertOneLineError("--key-file: " + shortKey + ": a key must be 16 or 32 raw bytes or 32 or 64 hex digits");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        Path oddHex = Files.writeString(dir.resolve("odd.key"), "00112233445566778899aabbccddeef\n"); // 32 bytes, 31 digits
        assertEquals(ExitCodes.BAD_INPUT, Cli.run(agent("--key-file", oddHex.toString()))
                .assertOneLineError("--key-file").exitCode());
        assertEquals(ExitCodes.BAD_INPUT, Cli.run(agent("--key-file", dir.resolve("absent.key").toString()))
                .assertOneLineError("cannot read the key file").exitCode());
        List<String> encryptOnly = new ArrayList<>(List.of(agent()));
        encryptOnly.add("--encrypt");
        assertEquals(ExitCodes.BAD_INPUT, Cli.run(encryptOnly.toArray(String[]::new))
                .assertOneLineError("--encrypt needs --key-file").exitCode());
        assertTrue(!Files.exists(dir.resolve("cache")), "fails before creating the cache directory");
    }

    @Test
    void unknownInterface() {
        Cli.Result result = Cli.run(agent("--interface", "nosuch0")).assertOneLineError("unknown network interface 'nosuch0'");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("known: "), "lists the interfaces there are: " + result.err());
        assertTrue(!Files.exists(dir.resolve("cache")), "fails before creating the cache directory");
    }

    @Test
    void malformedUrl() {
        Cli.run(agent("--url", "not a url")).assertOneLineError("'not a url' is not a valid URL");
        Cli.run(agent("--url", "ftp://127.0.0.1/pkg.bin")).assertOneLineError("is not an http or https URL");
    }

    @Test
    void badHash() {
        Cli.run(agent("--sha256", "abc")).assertOneLineError("a SHA-256 is 64 hexadecimal digits, got 3 characters");
        Cli.run(agent("--sha256", "zz".repeat(32))).assertOneLineError("--sha256");
    }

    @Test
    void unwritableOutput() throws Exception {
        Cli.run(agent("--out", dir.resolve("missing/pkg.bin").toString())).assertOneLineError("does not exist");
        Cli.run(agent("--out", dir.toString())).assertOneLineError("is a directory");
        Path file = Files.createFile(dir.resolve("plain-file"));
        Cli.run(agent("--out", file.resolve("pkg.bin").toString())).assertOneLineError("is not a directory");
    }

    @Test
    void unusableCacheDirectory() throws Exception {
        Path file = Files.createFile(dir.resolve("not-a-directory"));
        Cli.run(agent("--cache-dir", file.toString())).assertOneLineError("is not a directory");
    }

    @Test
    void badDurationRateLossGroupAndTask() {
        Cli.run(agent("--start-delay", "3x")).assertOneLineError("'3x' is not a duration: use a number followed by ms");
        Cli.run(agent("--timeout", "-1s")).assertOneLineError("is not a duration");
        Cli.run(agent("--rate", "fast")).assertOneLineError("'fast' is not a rate");
        Cli.run(agent("--rate", "5k")).assertOneLineError("rate must be at least 8 kbit/s");
        Cli.run(agent("--loss", "1.5")).assertOneLineError("must be at least 0 and below 1");
        Cli.run(agent("--group", "10.1.1.1:5000")).assertOneLineError("is not an IPv4 multicast address");
        Cli.run(agent("--task", "../escape")).assertOneLineError("task id '../escape'");
        Cli.run(agent("--bind-mode", "any")).assertOneLineError("bind mode must be 'group' or 'wildcard', not 'any'");
    }

    @Test
    void anInterfaceIndexThatNoInterfaceHasListsTheNamesAndIndexes() {
        Cli.Result result = Cli.run(agent("--interface", "999999")).assertOneLineError(
                "unknown network interface '999999' (neither a name nor an index); known: ");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("lo ("), "names with their indexes: " + result.err());
    }

    @Test
    void missingAndUnknownOptions() {
        Cli.run(agent("--interface", null)).assertOneLineError("Missing required option: '--interface=NAME|INDEX'");
        Cli.run(agent("--bogus", "1")).assertOneLineError("Unknown options: '--bogus'");
    }

    @Test
    void verboseAddsTheStackTrace() {
        List<String> args = new ArrayList<>(List.of(agent("--interface", "nosuch0")));
        args.add("--verbose");
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.errLines().size() > 1 && result.err().contains("\tat "), result.err());
    }
}
