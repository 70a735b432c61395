package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"office-2026.11", "a", "Task_7", "0abc"})
    void acceptsPlainTaskIds(String id) {
        assertEquals(id, CacheNames.requireTaskId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../x", "a/b", "/etc", "a\\b", ".hidden", "%2e%2e", "a\u0000b",
        "a b", "-rf", "\u00e9t\u00e9", "a:b", "~root"})
    void refusesTaskIdsThatCouldBecomeOtherPaths(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheNames.requireTaskId(id));
        assertTrue(e.getMessage().startsWith("task id"), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "message must not echo control characters");
    }

    @Test
    void refusesOverlongAndNullIds() {
        assertThrows(IllegalArgumentException.class, () -> CacheNames.requireTaskId("a".repeat(129)));
        assertEquals(128, CacheNames.requireTaskId("a".repeat(128)).length());
        assertThrows(IllegalArgumentException.class, () -> CacheNames.requireTaskId(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"setup.msi", "pkg-1.2+3.tar.gz", "_x"})
    void acceptsFileNames(String name) {
        assertEquals(name, CacheNames.requireFileName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "../../etc/passwd", "/abs", "a/b", "a\u0000", ".bashrc", "con\\x"})
    void refusesFileNamesThatLeaveTheirDirectory(String name) {
        assertThrows(IllegalArgumentException.class, () -> CacheNames.requireFileName(name));
    }

    @Test
    void resolveInsideStaysInside() {
        Path base = Path.of("/tmp/cache");
        assertEquals(Path.of("/tmp/cache/task"), CacheNames.resolveInside(base, "task"));
        assertThrows(IllegalArgumentException.class, () -> CacheNames.resolveInside(base, ".."));
        assertThrows(IllegalArgumentException.class, () -> CacheNames.resolveInside(base, "/etc"));
        assertThrows(IllegalArgumentException.class, () -> CacheNames.resolveInside(base, "a/../../b"));
        assertThrows(IllegalArgumentException.class, () -> CacheNames.resolveInside(base, "a/b"));
    }

    @Test
    void resolveInsideRefusesNulWithoutEchoingIt() {
        // Found by CacheNamesFuzzTest: the file system's InvalidPathException quoted the NUL.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheNames.resolveInside(Path.of("/tmp/cache"), "task\u0000\n.txt"));
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        assertTrue(e.getMessage().contains("task??.txt"), e.getMessage());
    }
}
