package io.subnetcast.core.serve;

import java.util.Optional;

/**
 * Maps a request path to a {@link Resource}. Called on a Netty event loop for every GET and HEAD,
 * so it must be quick and must not throw for bad input: an absent result is answered with 404.
 */
@FunctionalInterface
public interface ResourceResolver {
    /**
     * Looks a path up.
     *
     * @param decodedPath the percent-decoded path without query, starting with {@code /}; the
     *     server has already refused malformed encodings, encoded separators, {@code .} and
     *     {@code ..} segments, NUL and other control characters, but implementations must still
     *     treat the value as hostile
     * @return the resource, or empty when there is nothing to serve at that path
     */
    Optional<Resource> resolve(String decodedPath);
}
