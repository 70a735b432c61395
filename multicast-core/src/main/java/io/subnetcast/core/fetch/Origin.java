package io.subnetcast.core.fetch;

import java.net.URI;
import java.util.Locale;

/**
 * Scheme, host and port of a URL: the unit of connection reuse (RFC 6454 section 4).
 *
 * @param scheme {@code http} or {@code https}, lower case
 * @param host the host as in the URL, lower case; an IPv6 literal keeps its brackets
 * @param port the port, the scheme's default filled in
 */
record Origin(String scheme, String host, int port) {

    /**
     * @param uri a URL from a caller or a redirect
     * @return its origin
     * @throws IllegalArgumentException unless it is an absolute http or https URL with a host
     */
    static Origin of(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("URL is null");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("only http and https URLs can be fetched: " + uri);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("URL has no host: " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials in URLs are not supported: " + uri.getScheme()
                    + "://...@" + uri.getHost());
        }
        int port = uri.getPort();
        boolean secure = scheme.equals("https");
        if (port == -1) {
            port = secure ? 443 : 80;
        } else if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + uri);
        }
        return new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
    }

    /** @return true for https */
    boolean secure() {
        return scheme.equals("https");
    }

    /** @return the host to connect to and to check the certificate against: no IPv6 brackets */
    String connectHost() {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** @return the Host header value: the port only when it is not the scheme's default */
    String hostHeader() {
        boolean defaultPort = port == (secure() ? 443 : 80);
        return defaultPort ? host : host + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
