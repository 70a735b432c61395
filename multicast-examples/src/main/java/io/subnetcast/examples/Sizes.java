package io.subnetcast.examples;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes: {@code 512k}, {@code 64m}, {@code 1g}, also spelt {@code 64MiB} or {@code 64MB}.
 * Units are binary (1m = 1 MiB), as file sizes usually are.
 */
final class Sizes {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)(?:([kmg])(?:ib|b)?|b)?");
    private static final String HINT = "use bytes with an optional k, m or g (binary units), e.g. 512k, 64m, 1g";

    private Sizes() {
    }

    /**
     * @param text what the user typed
     * @return the size in bytes
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a size is required: " + HINT);
        }
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a size: " + HINT);
        }
        String unit = m.group(2) == null ? "" : m.group(2);
        long multiplier = switch (unit) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(1L << 50)) > 0) {
            throw new IllegalArgumentException("size '" + Texts.printable(text) + "' is above 1 PiB");
        }
        return bytes.longValueExact();
    }

    /**
     * @param bytes a byte count
     * @return it for people, e.g. {@code 64.0 MiB} or {@code 512 B}
     */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
