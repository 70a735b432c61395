package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzzes the names that become paths: {@link CacheNames#requireTaskId}, {@link
 * CacheNames#requireFileName} and {@link CacheNames#resolveInside}, with the input as UTF-8 and as
 * ISO-8859-1 text ({@code ../}, {@code %2e%2e}, absolute paths, NUL, overlong, look-alike dots and
 * slashes). An accepted name is one plain element of the narrow alphabet, and resolves to a direct
 * child of the directory; a refusal names the problem without echoing control characters.
 */
class CacheNamesFuzzTest {
    private static final Path DIRECTORY = Path.of("/var/cache/subnetcast");

    @FuzzTest
    void names(byte[] input) {
        for (String name : new String[] {new String(input, StandardCharsets.UTF_8), new String(input, StandardCharsets.ISO_8859_1)}) {
            check(name, true);
            check(name, false);
            try {
                Path resolved = CacheNames.resolveInside(DIRECTORY, name);
                assertEquals(DIRECTORY, resolved.getParent(), name);
            } catch (IllegalArgumentException e) {
                assertPrintable(e);
            }
        }
    }

    private static void check(String name, boolean taskId) {
        String accepted;
        try {
            accepted = taskId ? CacheNames.requireTaskId(name) : CacheNames.requireFileName(name);
        } catch (IllegalArgumentException e) {
            assertPrintable(e);
            return;
        }
        assertEquals(name, accepted);
        assertTrue(!name.isEmpty() && name.length() <= (taskId ? CacheNames.MAX_TASK_ID_LENGTH : CacheNames.MAX_FILE_NAME_LENGTH));
        assertFalse(name.startsWith("."), name);
        assertTrue(name.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'
                || !taskId && c == '+')), name);
        Path resolved = CacheNames.resolveInside(DIRECTORY, name);
        assertEquals(DIRECTORY, resolved.getParent(), name);
        assertEquals(name, resolved.getFileName().toString());
    }

    private static void assertPrintable(IllegalArgumentException e) {
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20 || c == 0x7f), "control characters echoed: " + e.getMessage());
        assertTrue(e.getMessage().length() < 400, "unbounded message");
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/cache/CacheNamesFuzzTestInputs/names");
        String[][] names = {
            {"plain", "office-2026.11"},
            {"dot-dot", "../../etc/passwd"},
            {"encoded", "%2e%2e%2fetc"},
            {"absolute", "/etc/passwd"},
            {"nul", "task\u0000.txt"},
            {"overlong", "a".repeat(300)},
            {"fullwidth", "\uff0e\uff0e\uff0fetc"},
            {"division-slash", "a\u2215b"},
            {"trailing-dot-dot", "a/.."},
            {"newline", "task\nX-Forged: 1"},
        };
        for (String[] name : names) {
            new Seed().bytes(name[1].getBytes(StandardCharsets.UTF_8)).writeTo(inputs, name[0]);
        }
    }
}
