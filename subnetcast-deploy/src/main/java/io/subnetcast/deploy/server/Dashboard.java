package io.subnetcast.deploy.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's static files, read once from the class path: a page, its script and its style,
 * with no data in them. The page asks the admin for the token and reads everything through the
 * JSON API, so these files are served to anyone.
 */
final class Dashboard {
    /**
     * Only this page's own files, no inline code, no framing, no referrer: what the browser enforces
     * on the dashboard, so that a string from an agent that slipped into the page could not run.
     */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** A served file. */
    record File(String contentType, byte[] bytes) {
    }

    private static final Map<String, File> FILES = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"),
            "/favicon.svg", load("favicon.svg", "image/svg+xml"));

    private Dashboard() {
    }

    /** @return the file served at {@code path}, or null when there is none */
    static File file(String path) {
        return FILES.get(path);
    }

    private static File load(String name, String contentType) {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the class path");
            }
            return new File(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
