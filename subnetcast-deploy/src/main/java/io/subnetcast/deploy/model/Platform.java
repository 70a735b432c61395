package io.subnetcast.deploy.model;

import java.util.Locale;

/** The operating systems a release ships for; progress and retry rules are kept per platform. */
public enum Platform {
    WINDOWS, MACOS, LINUX;

    /**
     * @param text {@code windows}, {@code macos} or {@code linux}, in any case
     * @return the platform
     * @throws InvalidInputException for anything else
     */
    public static Platform parse(String text) {
        if (text != null) {
            for (Platform p : values()) {
                if (p.label().equals(text.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
        }
        throw new InvalidInputException("platform must be windows, macos or linux, not '" + Inputs.printable(text) + "'");
    }

    /** @return the lower-case name used on the command line, in JSON and in metrics */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
