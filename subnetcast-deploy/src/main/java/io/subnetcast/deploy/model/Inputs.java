package io.subnetcast.deploy.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of names, hashes and URLs that arrive from users and agents. */
public final class Inputs {
    /** Longest URL accepted for an artifact or manifest. */
    public static final int MAX_URL_LENGTH = 2048;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Inputs() {
    }

    /**
     * @param what what the name is, for the message ("device id", "product")
     * @param value the name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'
     * @return the value
     */
    public static String name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new InvalidInputException(what + " must be 1-64 letters, digits, '.', '_' or '-' (starting with a"
                    + " letter or digit), not '" + printable(value) + "'");
        }
        return value;
    }

    /** @return the SHA-256 as 64 lower-case hex digits (upper case is accepted) */
    public static String sha256(String what, String value) {
        String hex = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(hex).matches()) {
            throw new InvalidInputException(what + " must be a SHA-256 of 64 hex digits, not '" + printable(value) + "'");
        }
        return hex;
    }

    /** @return the URL, an absolute http or https URL with a host, at most 2048 characters */
    public static URI httpUrl(String what, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_URL_LENGTH) {
            throw new InvalidInputException(what + " must be an http or https URL of 1-" + MAX_URL_LENGTH + " characters");
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, without the parser's position details
        }
        throw new InvalidInputException(what + " must be an absolute http or https URL with a host (and no user"
                + " info), not '" + printable(value) + "'");
    }

    /** @return at most 80 characters of {@code value}, with anything but printable ASCII as '?' */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 80));
        for (int i = 0; i < value.length() && i < 80; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > 80 ? out.append("...").toString() : out.toString();
    }
}
