package io.subnetcast.core.wire;

/**
 * Makes text from a server safe to put into a log line or an exception message: bounded in length,
 * control and non-ASCII characters escaped, so that a hostile header cannot forge log lines.
 */
public final class LogSafe {
    /** Longest excerpt kept. */
    public static final int MAX_LENGTH = 120;

    private LogSafe() {
    }

    /**
     * @param text any text, may be null
     * @return a bounded, printable-ASCII rendering
     */
    public static String of(CharSequence text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_LENGTH) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
