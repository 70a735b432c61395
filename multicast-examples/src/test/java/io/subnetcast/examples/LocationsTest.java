package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Default directories of every platform, from (os.name, environment, user.home) alone. */
class LocationsTest {
    private static final String WIN_HOME = "C:\\Users\\Ann Lee";
    private static final String LOCAL = "C:\\Users\\Ann Lee\\AppData\\Local";

    @Test
    void windowsUsesLocalAppData() {
        Map<String, String> env = Map.of("LOCALAPPDATA", LOCAL, "XDG_CACHE_HOME", "/ignored");
        assertEquals(Path.of(LOCAL, "subnetcast", "cache"), Locations.defaultCacheDirectory("Windows 11", env, WIN_HOME));
        assertEquals(Path.of(LOCAL, "subnetcast", "state"),
                Locations.defaultStateDirectory("Windows Server 2022", env, WIN_HOME));
        // A UNC profile is absolute too.
        assertEquals(Path.of("\\\\server\\profiles\\ann", "subnetcast", "cache"), Locations.defaultCacheDirectory(
                "Windows 10", Map.of("LOCALAPPDATA", "\\\\server\\profiles\\ann"), WIN_HOME));
    }

    @Test
    void windowsWithoutAUsableLocalAppDataFallsBackUnderTheProfile() {
        Path expected = Path.of(WIN_HOME, "AppData", "Local", "subnetcast", "cache");
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("LOCALAPPDATA", " "),
                Map.of("LOCALAPPDATA", "relative\\dir"), Map.of("LOCALAPPDATA", "C:relative"))) {
            assertEquals(expected, Locations.defaultCacheDirectory("Windows 11", env, WIN_HOME), env.toString());
        }
    }

    @Test
    void macOsUsesLibrary() {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", "/xdg/cache", "XDG_STATE_HOME", "/xdg/state");
        assertEquals(Path.of("/Users/ann/Library/Caches/subnetcast"),
                Locations.defaultCacheDirectory("Mac OS X", env, "/Users/ann"));
        assertEquals(Path.of("/Users/ann/Library/Application Support/subnetcast"),
                Locations.defaultStateDirectory("Mac OS X", env, "/Users/ann"));
    }

    @Test
    void linuxFollowsXdgAsBefore() {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", "/xdg/cache", "XDG_STATE_HOME", "/xdg/state");
        assertEquals(Path.of("/xdg/cache/subnetcast"), Locations.defaultCacheDirectory("Linux", env, "/home/ann"));
        assertEquals(Path.of("/xdg/state/subnetcast"), Locations.defaultStateDirectory("Linux", env, "/home/ann"));
        assertEquals(Path.of("/home/ann/.cache/subnetcast"), Locations.defaultCacheDirectory("Linux", Map.of(), "/home/ann"));
        assertEquals(Path.of("/home/ann/.local/state/subnetcast"),
                Locations.defaultStateDirectory("FreeBSD", Map.of(), "/home/ann"));
        assertEquals(Path.of("/home/ann/.cache/subnetcast"), Locations.defaultCacheDirectory(null, Map.of(), "/home/ann"));
    }

    @Test
    void linuxIgnoresRelativeBlankAndUnusableXdgValues() {
        for (String value : new String[] {"", "  ", "relative/cache", "~/cache", "/with\u0000nul"}) {
            assertEquals(Path.of("/home/ann/.cache/subnetcast"),
                    Locations.defaultCacheDirectory("Linux", Map.of("XDG_CACHE_HOME", value), "/home/ann"), value);
        }
    }

    @Test
    void helpSaysWhatEachPlatformGets() {
        // Compared without white space: the help wraps lines wherever it likes.
        String agent = Cli.run("agent", "--help").out().replaceAll("\\s+", "");
        for (String text : new String[] {"~/.cache/subnetcast", "~/Library/Caches/subnetcast",
            "%LOCALAPPDATA%\\subnetcast\\cache", "%ProgramData%", "~/Library/Application Support/subnetcast",
            "%LOCALAPPDATA%\\subnetcast\\state", "--bind-mode", "wildcard on Windows", "NAME|INDEX"}) {
            assertTrue(agent.contains(text.replace(" ", "")), "agent --help lacks " + text);
        }
    }
}
