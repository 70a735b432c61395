package io.subnetcast.examples;

import java.util.Locale;

/**
 * Writes one flat JSON object (RFC 8259) for machine-readable summaries. Hand-written because
 * the CLI emits a single line of a few fields; a JSON library would not earn its place.
 */
final class Json {
    private final StringBuilder out = new StringBuilder("{");

    /**
     * @param name field name
     * @param value a string, or null for JSON {@code null}
     * @return this
     */
    Json put(String name, String value) {
        return field(name, value == null ? "null" : quote(value));
    }

    /**
     * @param name field name
     * @param value an integer
     * @return this
     */
    Json put(String name, long value) {
        return field(name, Long.toString(value));
    }

    /**
     * @param name field name
     * @param value a number; NaN and infinities, which JSON cannot hold, become {@code null}
     * @param decimals digits after the point
     * @return this
     */
    Json put(String name, double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return field(name, "null");
        }
        return field(name, String.format(Locale.ROOT, "%." + decimals + "f", value));
    }

    /**
     * @param name field name
     * @param value a boolean
     * @return this
     */
    Json put(String name, boolean value) {
        return field(name, Boolean.toString(value));
    }

    private Json field(String name, String rendered) {
        if (out.length() > 1) {
            out.append(',');
        }
        out.append(quote(name)).append(':').append(rendered);
        return this;
    }

    /** @return the object on one line */
    @Override
    public String toString() {
        return out + "}";
    }

    /**
     * Quotes a string as a JSON string literal. Besides what RFC 8259 requires ({@code "}, {@code \}
     * and U+0000 to U+001F) it escapes DEL, U+2028/U+2029 (line breaks to JavaScript) and unpaired
     * surrogates, which cannot be encoded in UTF-8, so the output is always one valid line.
     *
     * @param value the text
     * @return the literal, with its quotes
     */
    static String quote(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(b, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        b.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
}
