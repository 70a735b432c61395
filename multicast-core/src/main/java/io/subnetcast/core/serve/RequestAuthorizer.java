package io.subnetcast.core.serve;

/**
 * Decides whether a request may be served, from its path and its {@code Authorization} field;
 * a refused request is answered 403 before its path is resolved. Called on a Netty event loop for
 * every GET and HEAD: it must be quick and must not throw.
 */
@FunctionalInterface
public interface RequestAuthorizer {
    /** Serves everyone: the default. */
    RequestAuthorizer ANYONE = (decodedPath, authorization) -> true;

    /**
     * @param decodedPath the checked, percent-decoded path (see {@link ResourceResolver#resolve})
     * @param authorization the request's {@code Authorization} value, or null when it has none or
     *     more than one
     * @return whether to serve it
     */
    boolean permits(String decodedPath, String authorization);
}
