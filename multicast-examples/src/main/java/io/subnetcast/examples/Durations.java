package io.subnetcast.examples;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as admins type them: {@code 500ms}, {@code 3s}, {@code 1.5m}, {@code 1h}, or a bare
 * {@code 0}. A unit is always required otherwise, because a bare {@code 5} is ambiguous.
 */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18}(?:\\.\\d{1,9})?)(ms|s|m|h)");
    private static final String HINT = "use a number followed by ms, s, m or h, e.g. 500ms, 3s, 1m";

    private Durations() {
    }

    /**
     * @param text what the user typed
     * @return the duration, millisecond precision
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required: " + HINT);
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a duration: " + HINT);
        }
        long unitMs = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMs));
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is finer than a millisecond");
        }
        // A year is far beyond any sensible delay or timeout and keeps every later sum from overflowing.
        if (millis.compareTo(BigDecimal.valueOf(365L * 24 * 3_600_000)) > 0) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is longer than a year");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /**
     * @param duration a duration
     * @return it in the form {@link #parse} reads, in the largest unit that shows it exactly
     */
    static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
