package io.subnetcast.examples;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks of the paths a command writes, made before any work starts, so that a typo fails in a
 * second with a clear line rather than after a download.
 */
final class Locations {
    private Locations() {
    }

    /** @return the agent daemon's default state directory ($XDG_STATE_HOME/subnetcast or ~/.local/state/subnetcast) */
    static Path defaultStateDirectory() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("subnetcast");
    }

    /** @return the default block cache directory ($XDG_CACHE_HOME/subnetcast or ~/.cache/subnetcast) */
    static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("subnetcast");
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
