package io.subnetcast.examples;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Default directories per platform, and checks of the paths a command writes, made before any work
 * starts, so that a typo fails in a second with a clear line rather than after a download.
 */
final class Locations {
    private Locations() {
    }

    /** The platforms whose conventions for per-user directories differ. */
    enum Os {
        WINDOWS, MACOS, UNIX;

        /**
         * @param osName the value of {@code os.name}, or null
         * @return Windows and macOS by name; anything else follows the XDG base directories
         */
        static Os of(String osName) {
            String name = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
            if (name.startsWith("windows")) {
                return WINDOWS;
            }
            return name.startsWith("mac") || name.startsWith("darwin") ? MACOS : UNIX;
        }
    }

    /** @return the agent daemon's default state directory on this machine (see {@link #defaultStateDirectory(String, Map, String)}) */
    static Path defaultStateDirectory() {
        return defaultStateDirectory(System.getProperty("os.name"), System.getenv(), System.getProperty("user.home"));
    }

    /** @return the default block cache directory on this machine (see {@link #defaultCacheDirectory(String, Map, String)}) */
    static Path defaultCacheDirectory() {
        return defaultCacheDirectory(System.getProperty("os.name"), System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The state directory a platform's conventions give a per-user program: Windows
     * {@code %LOCALAPPDATA%\subnetcast\state}, macOS {@code ~/Library/Application Support/subnetcast},
     * elsewhere {@code $XDG_STATE_HOME/subnetcast} or {@code ~/.local/state/subnetcast}.
     *
     * @param osName the value of {@code os.name}
     * @param env the environment; a variable that is blank or not an absolute path is ignored, as the
     *     XDG specification asks
     * @param userHome the value of {@code user.home}
     * @return the directory, not created
     */
    static Path defaultStateDirectory(String osName, Map<String, String> env, String userHome) {
        Os os = Os.of(osName);
        return switch (os) {
            case WINDOWS -> localAppData(env, userHome).resolve("subnetcast").resolve("state");
            case MACOS -> Path.of(userHome, "Library", "Application Support", "subnetcast");
            case UNIX -> fromEnv(os, env, "XDG_STATE_HOME", Path.of(userHome, ".local", "state")).resolve("subnetcast");
        };
    }

    /**
     * The cache directory a platform's conventions give a per-user program: Windows
     * {@code %LOCALAPPDATA%\subnetcast\cache}, macOS {@code ~/Library/Caches/subnetcast}, elsewhere
     * {@code $XDG_CACHE_HOME/subnetcast} or {@code ~/.cache/subnetcast}.
     *
     * @param osName the value of {@code os.name}
     * @param env the environment; a variable that is blank or not an absolute path is ignored
     * @param userHome the value of {@code user.home}
     * @return the directory, not created
     */
    static Path defaultCacheDirectory(String osName, Map<String, String> env, String userHome) {
        Os os = Os.of(osName);
        return switch (os) {
            case WINDOWS -> localAppData(env, userHome).resolve("subnetcast").resolve("cache");
            case MACOS -> Path.of(userHome, "Library", "Caches", "subnetcast");
            case UNIX -> fromEnv(os, env, "XDG_CACHE_HOME", Path.of(userHome, ".cache")).resolve("subnetcast");
        };
    }

    private static Path localAppData(Map<String, String> env, String userHome) {
        // Where Windows itself puts LOCALAPPDATA when the variable is missing (a stripped service environment).
        return fromEnv(Os.WINDOWS, env, "LOCALAPPDATA", Path.of(userHome, "AppData", "Local"));
    }

    private static Path fromEnv(Os os, Map<String, String> env, String variable, Path fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank() || !looksAbsolute(os, value)) {
            return fallback;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return fallback; // a NUL or the like: not a path this file system takes
        }
    }

    /**
     * Judged by the text, not by {@link Path#isAbsolute()}, so that the choice is the same whatever
     * machine runs it (the tests run every platform's case on Linux).
     */
    private static boolean looksAbsolute(Os os, String path) {
        if (os != Os.WINDOWS) {
            return path.startsWith("/");
        }
        boolean drive = path.length() >= 3 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':'
                && (path.charAt(2) == '\\' || path.charAt(2) == '/');
        return drive || path.startsWith("\\\\");
    }

    /**
     * Creates a directory if needed and proves a file can be created in it.
     *
     * @param directory the directory
     * @param option the option that named it, for the message
     * @return its absolute, normalised path
     * @throws CliException with {@link ExitCodes#BAD_INPUT} if it cannot be used
     */
    static Path requireWritableDirectory(Path directory, String option) {
        Path absolute = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot use " + option + " " + absolute + ": "
                    + (e.getFile() != null ? e.getFile() : absolute) + " exists and is not a directory");
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot create " + option + " " + absolute + ": " + reason(e));
        }
        probe(absolute, "cannot write to " + option + " " + absolute);
        return absolute;
    }

    /**
     * Checks that a file can be placed at a path: its directory exists and takes new files, and it
     * is not itself a directory.
     *
     * @param file the file to be written
     * @param option the option that named it, for the message
     * @return its absolute, normalised path
     * @throws CliException with {@link ExitCodes#BAD_INPUT} if it cannot be written
     */
    static Path requireWritableFile(Path file, String option) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot write " + option + " " + absolute + ": it is a directory");
        }
        Path parent = absolute.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot write " + option + " " + absolute + ": " + parent
                    + " is not a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot write " + option + " " + absolute + ": directory "
                    + parent + " does not exist");
        }
        probe(parent, "cannot write " + option + " " + absolute);
        return absolute;
    }

    /**
     * Creates and deletes a file: the only check that also catches read-only file systems and
     * access rules beyond the permission bits (root passes every permission check).
     */
    private static void probe(Path directory, String what) {
        try {
            Path probe = Files.createTempFile(directory, ".subnetcast-", ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, what + ": cannot create a file in " + directory + " ("
                    + reason(e) + ")");
        }
    }

    private static String reason(IOException e) {
        // File-system exceptions often carry only the path as their message; the type says what happened.
        String type = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(Locale.ROOT);
        String detail = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        return detail != null && !detail.isBlank() ? detail : type;
    }
}
