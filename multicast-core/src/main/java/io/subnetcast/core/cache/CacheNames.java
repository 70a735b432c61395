package io.subnetcast.core.cache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Validation of the names that become paths: task ids and file names. Both arrive from outside
 * (the management system, the CLI, other agents), so they are checked against a narrow alphabet
 * rather than sanitised: a name that needs repair is refused with a message that says why.
 */
public final class CacheNames {
    /** Longest task id accepted. */
    public static final int MAX_TASK_ID_LENGTH = 128;
    /** Longest file name accepted (a common file-system limit). */
    public static final int MAX_FILE_NAME_LENGTH = 255;

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]*");

    private CacheNames() {
    }

    /**
     * Checks a task id: 1 to 128 characters of {@code A-Z a-z 0-9 . _ -}, starting with a letter or
     * digit, so that it can never name a parent directory, a hidden file or an absolute path.
     *
     * @param taskId the id to check
     * @return the same id
     * @throws IllegalArgumentException with the reason when the id is not acceptable
     */
    public static String requireTaskId(String taskId) {
        return require("task id", taskId, TASK_ID, MAX_TASK_ID_LENGTH);
    }

    /**
     * Checks a file name: one path element of {@code A-Z a-z 0-9 . _ + -}, not starting with a dot.
     *
     * @param fileName the name to check
     * @return the same name
     * @throws IllegalArgumentException with the reason when the name is not acceptable
     */
    public static String requireFileName(String fileName) {
        return require("file name", fileName, FILE_NAME, MAX_FILE_NAME_LENGTH);
    }

    /**
     * Resolves a checked name under a directory and proves the result stays inside it.
     *
     * @param directory the directory that must contain the result
     * @param name a name already accepted by {@link #requireTaskId} or {@link #requireFileName}
     * @return {@code directory/name}, normalised
     * @throws IllegalArgumentException if the result would leave the directory
     */
    public static Path resolveInside(Path directory, String name) {
        Path base = directory.toAbsolutePath().normalize();
        Path resolved;
        try {
            resolved = base.resolve(name).normalize();
        } catch (InvalidPathException e) {
            // Its message quotes the name as is (NUL included): say it again, printably.
            throw new IllegalArgumentException("'" + printable(name) + "' is not a valid path element", e);
        }
        if (!resolved.startsWith(base) || resolved.equals(base) || !resolved.getParent().equals(base)) {
            throw new IllegalArgumentException("'" + printable(name) + "' would leave " + base);
        }
        return resolved;
    }

    private static String require(String what, String value, Pattern pattern, int maxLength) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(what + " is longer than " + maxLength + " characters");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + printable(value)
                    + "' may only hold letters, digits and . _ - (+ in file names), and must not start with a dot");
        }
        return value;
    }

    /** Renders a hostile string safely for an error message: no control characters, bounded length. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64));
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (value.length() > 64) {
            out.append("...");
        }
        return out.toString();
    }
}
