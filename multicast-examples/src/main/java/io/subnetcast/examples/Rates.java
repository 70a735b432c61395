package io.subnetcast.examples;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Send rates in bits per second as network people write them: {@code 500k}, {@code 100m},
 * {@code 1g}, {@code 1.5g}, or plain bits per second. Units are decimal (1m = 1,000,000 bit/s),
 * as link speeds are.
 */
final class Rates {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)([kmg]?)");
    private static final String HINT = "use bits per second with an optional k, m or g, e.g. 500k, 100m, 1g";

    private Rates() {
    }

    /**
     * @param text what the user typed
     * @return the rate in bits per second, at least 1
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a rate is required: " + HINT);
        }
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a rate: " + HINT);
        }
        long unit = switch (m.group(2)) {
            case "k" -> 1_000L;
            case "m" -> 1_000_000L;
            case "g" -> 1_000_000_000L;
            default -> 1L;
        };
        BigDecimal bits = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.DOWN);
        if (bits.signum() == 0) {
            throw new IllegalArgumentException("rate '" + Texts.printable(text) + "' must be more than zero");
        }
        if (bits.compareTo(BigDecimal.valueOf(1_000_000_000_000L)) > 0) {
            throw new IllegalArgumentException("rate '" + Texts.printable(text) + "' is above 1 Tbit/s");
        }
        return bits.longValueExact();
    }

    /**
     * @param bitsPerSecond a rate
     * @return it for people, e.g. {@code 200 Mbit/s}
     */
    static String format(long bitsPerSecond) {
        if (bitsPerSecond >= 1_000_000_000L && bitsPerSecond % 10_000_000L == 0) {
            return trim(bitsPerSecond / 1e9) + " Gbit/s";
        }
        if (bitsPerSecond >= 1_000_000L && bitsPerSecond % 10_000L == 0) {
            return trim(bitsPerSecond / 1e6) + " Mbit/s";
        }
        if (bitsPerSecond >= 1_000L && bitsPerSecond % 10L == 0) {
            return trim(bitsPerSecond / 1e3) + " kbit/s";
        }
        return bitsPerSecond + " bit/s";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
