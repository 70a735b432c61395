package io.subnetcast.examples;

import io.netty.util.NetUtil;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.CacheNames;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Parsers for the command's other inputs. Addresses must be IP literals: the command never turns
 * a name into an address, so a typo cannot send anything to a host found through DNS.
 */
final class Inputs {
    /** A key file holds at most 64 hex digits and a line end; anything much larger is something else. */
    private static final int MAX_KEY_FILE_BYTES = 1024;

    private Inputs() {
    }

    /**
     * @param text an IPv4 or IPv6 literal
     * @return the address, without any name lookup
     * @throws IllegalArgumentException if it is not a literal
     */
    static InetAddress ipLiteral(String text) {
        byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (bytes == null) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not an IP address (names are not looked up)");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not an IP address", e);
        }
    }

    /**
     * @param text {@code ADDR:PORT} with an IPv4 multicast address and a port below 65535 (the
     *     data port is the next one)
     * @return the group
     * @throws IllegalArgumentException naming what is wrong
     */
    static InetSocketAddress multicastGroup(String text) {
        String value = text == null ? "" : text.trim();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not ADDR:PORT, e.g. 239.255.0.1:41234");
        }
        InetAddress address = ipLiteral(value.substring(0, colon));
        if (address.getAddress().length != 4 || !address.isMulticastAddress()) {
            throw new IllegalArgumentException("'" + Texts.printable(value.substring(0, colon))
                    + "' is not an IPv4 multicast address (224.0.0.0/4; use 239.255.0.0/16 on a LAN)");
        }
        int port = port(value.substring(colon + 1), 65_534);
        return new InetSocketAddress(address, port);
    }

    /**
     * @param text a port number
     * @param max the largest port allowed
     * @return the port, 1 to max
     * @throws IllegalArgumentException if it is not one
     */
    static int port(String text, int max) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= max) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a port from 1 to " + max);
    }

    /**
     * @param text an http or https URL with a host
     * @return it
     * @throws IllegalArgumentException saying why it is not usable
     */
    static URI packageUrl(String text) {
        URI uri;
        try {
            uri = new URI(text == null ? "" : text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a valid URL: " + e.getReason()
                    + " at index " + e.getIndex(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("URL '" + Texts.printable(text) + "' has no host");
        }
        return uri;
    }

    /**
     * @param text 64 hexadecimal digits
     * @return the 32-byte digest
     * @throws IllegalArgumentException with the library's clear reason
     */
    static byte[] sha256(String text) {
        return BlockHashes.parseSha256(text == null ? null : text.trim());
    }

    /**
     * Reads a task key file: 16 or 32 raw bytes, or 32 or 64 hexadecimal digits.
     *
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException saying why it cannot be used (unreadable, too large, wrong length)
     */
    static SessionKey sessionKey(Path file) {
        byte[] content;
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is not a key file: larger than " + MAX_KEY_FILE_BYTES + " bytes");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key file " + file + ": " + Errors.describe(e), e);
        }
        try {
            return SessionKey.decode(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * @param text a task id
     * @return it, checked as the cache checks it
     * @throws IllegalArgumentException saying why it cannot be used
     */
    static String taskId(String text) {
        return CacheNames.requireTaskId(text);
    }

    /**
     * @param text a fraction such as {@code 0.05}, or a percentage such as {@code 5%}
     * @return the fraction, from 0 (inclusive) to 1 (exclusive)
     * @throws IllegalArgumentException if it is not one
     */
    static double lossFraction(String text) {
        String value = text == null ? "" : text.trim();
        boolean percent = value.endsWith("%");
        BigDecimal number;
        try {
            number = new BigDecimal(percent ? value.substring(0, value.length() - 1).trim() : value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Texts.printable(text) + "' is not a loss fraction: use e.g. 0.05 or 5%", e);
        }
        double fraction = percent ? number.doubleValue() / 100 : number.doubleValue();
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("loss '" + Texts.printable(text) + "' must be at least 0 and below 1 (100%)");
        }
        return fraction;
    }
}
