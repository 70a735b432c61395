package io.subnetcast.deploy.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The two bearer tokens of the server: the admin token allows changes, the fleet token lets agents
 * ask for offers and report. Compared in constant time.
 *
 * @param admin the admin token
 * @param fleet the fleet token
 */
public record ApiTokens(String admin, String fleet) {
    /** Shortest token accepted: 16 characters. */
    public static final int MIN_LENGTH = 16;

    /** @throws IllegalArgumentException for a short token, or the same token for both */
    public ApiTokens {
        check("admin", admin);
        check("fleet", fleet);
        if (admin.equals(fleet)) {
            throw new IllegalArgumentException("the admin and fleet tokens must differ: agents would hold the admin's");
        }
    }

    private static void check(String what, String token) {
        if (token == null || token.length() < MIN_LENGTH || token.length() > 512
                || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the " + what + " token must be " + MIN_LENGTH
                    + "-512 printable characters without spaces");
        }
    }

    /**
     * Reads a token from the first line of a file.
     *
     * @param file the file
     * @return the token, without surrounding white space
     * @throws IOException when the file cannot be read
     */
    public static String read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }

    /** @return whether an {@code Authorization} header carries the admin token */
    public boolean isAdmin(String authorization) {
        return matches(authorization, admin);
    }

    /** @return whether an {@code Authorization} header carries the fleet (or the admin) token */
    public boolean isFleet(String authorization) {
        return matches(authorization, fleet) || matches(authorization, admin);
    }

    private static boolean matches(String authorization, String token) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }
}
