package io.subnetcast.core.serve;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns a raw request-target into a decoded path, or into the status that refuses it.
 *
 * <p>Decoding is done one segment at a time, so that an encoded separator ({@code %2f},
 * {@code %5c}) can be told apart from a real one and refused instead of silently merging into the
 * path. Outcomes:
 * <ul>
 *   <li>400 for what is not a well-formed target: not origin- or absolute-form, raw control or
 *       non-ASCII characters, a {@code %} not followed by two hex digits, bytes that are not
 *       UTF-8;</li>
 *   <li>403 for a well-formed target whose shape could address something outside the served
 *       tree: {@code .} or {@code ..} segments (raw or encoded), encoded {@code /}, any
 *       backslash, {@code :} (Windows drive letters and NTFS streams), NUL or other control
 *       characters (C0 and C1) after decoding.</li>
 * </ul>
 * Empty segments ({@code //x}, a trailing {@code /}) pass; no resolver maps them to a file.
 */
final class RequestTarget {
    private static final RequestTarget BAD_REQUEST = new RequestTarget(HttpResponseStatus.BAD_REQUEST, null);
    private static final RequestTarget FORBIDDEN = new RequestTarget(HttpResponseStatus.FORBIDDEN, null);

    private final HttpResponseStatus status;
    private final String path;

    private RequestTarget(HttpResponseStatus status, String path) {
        this.status = status;
        this.path = path;
    }

    /** @return {@code null} when the target is acceptable, else the status to answer */
    HttpResponseStatus refusal() {
        return status;
    }

    /** @return the decoded path starting with {@code /}, or {@code null} when refused */
    String path() {
        return path;
    }

    static RequestTarget parse(String rawTarget) {
        String raw = stripQueryAndFragment(rawTarget);
        raw = stripSchemeAndAuthority(raw);
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return BAD_REQUEST;
        }
        StringBuilder decoded = new StringBuilder(raw.length());
        int from = 1;
        while (true) {
            int slash = raw.indexOf('/', from);
            int to = slash < 0 ? raw.length() : slash;
            String segment = decodeSegment(raw, from, to);
            if (segment == null) {
                return BAD_REQUEST;
            }
            if (!acceptableSegment(segment)) {
                return FORBIDDEN;
            }
            decoded.append('/').append(segment);
            if (slash < 0) {
                break;
            }
            from = slash + 1;
        }
        return new RequestTarget(null, decoded.toString());
    }

    private static String stripQueryAndFragment(String raw) {
        int cut = raw.length();
        int query = raw.indexOf('?');
        if (query >= 0) {
            cut = query;
        }
        int fragment = raw.indexOf('#');
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        return raw.substring(0, cut);
    }

    /** Absolute-form ({@code http://host/path}) must be accepted by servers (RFC 9112 section 3.2.2). */
    private static String stripSchemeAndAuthority(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        int authorityStart;
        if (lower.startsWith("http://")) {
            authorityStart = 7;
        } else if (lower.startsWith("https://")) {
            authorityStart = 8;
        } else {
            return raw;
        }
        int pathStart = raw.indexOf('/', authorityStart);
        return pathStart < 0 ? "/" : raw.substring(pathStart);
    }

    /** Strict percent-decoding of one segment; {@code null} when malformed. */
    private static String decodeSegment(String raw, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
            if (c == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int high = hexValue(raw.charAt(i + 1));
                int low = hexValue(raw.charAt(i + 2));
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** ASCII hex only: {@link Character#digit} would also accept fullwidth and other digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean acceptableSegment(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (Character.isISOControl(c) || c == '/' || c == '\\' || c == ':') {
                return false;
            }
        }
        return true;
    }
}
