package io.subnetcast.examples;

/** Small text helpers for messages that quote what a user or a remote peer sent. */
final class Texts {
    private static final int MAX_QUOTED = 80;

    private Texts() {
    }

    /**
     * Renders untrusted text for a one-line message: control characters become {@code ?} and long
     * values are cut, so that a hostile argument or request line cannot forge extra log lines.
     *
     * @param value the text, or null
     * @return a printable, bounded rendering
     */
    static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 3);
        for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (value.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.toString();
    }

    /**
     * @param value any text
     * @return it on one line: line breaks and tabs become spaces
     */
    static String oneLine(String value) {
        return value.replaceAll("[\\r\\n\\t]+", " ").trim();
    }
}
