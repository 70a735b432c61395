package io.subnetcast.deploy.model;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A release version: one to four dot-separated numbers, optionally followed by {@code -} and a
 * pre-release label ({@code 2.4.1}, {@code 10.0.19045.3693}, {@code 3.0.0-rc.2}). Versions order
 * by their numbers (missing ones count as 0, so {@code 2.4} equals {@code 2.4.0}); a pre-release
 * orders before the release with the same numbers, and pre-release labels order as text.
 *
 * @param text the version as given
 */
public record Version(String text) implements Comparable<Version> {
    private static final Pattern FORM = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}){0,3}(-[0-9A-Za-z.]{1,40})?");

    /** @throws InvalidInputException when {@code text} is not a version of the form above */
    public Version {
        if (text == null || !FORM.matcher(text).matches()) {
            throw new InvalidInputException("version must be 1-4 dot-separated numbers with an optional -label"
                    + " (e.g. 2.4.1 or 3.0.0-rc.2), not '" + Inputs.printable(text) + "'");
        }
    }

    /** @return the version, checked */
    public static Version parse(String text) {
        return new Version(text);
    }

    private long[] numbers() {
        String core = label() == null ? text : text.substring(0, text.indexOf('-'));
        long[] n = new long[4];
        String[] parts = core.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            n[i] = Long.parseLong(parts[i]);
        }
        return n;
    }

    private String label() {
        int dash = text.indexOf('-');
        return dash < 0 ? null : text.substring(dash + 1);
    }

    @Override
    public int compareTo(Version other) {
        int byNumbers = Arrays.compare(numbers(), other.numbers());
        if (byNumbers != 0) {
            return byNumbers;
        }
        String mine = label();
        String theirs = other.label();
        if (mine == null || theirs == null) {
            return mine == null ? (theirs == null ? 0 : 1) : -1;
        }
        return mine.compareTo(theirs);
    }

    /** @return whether this version is newer than {@code other} */
    public boolean isNewerThan(Version other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
