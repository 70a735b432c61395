package io.subnetcast.core.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;

/**
 * One servable representation: its metadata and a way to read its bytes.
 *
 * <p>Implementations are called on a Netty event loop, so {@link #open()} and {@link #holds} must
 * be quick and must not block on anything but the local file system.
 */
public interface Resource {
    /** @return the length of the representation in bytes, at least zero */
    long length();

    /** @return the modification time reported as {@code Last-Modified} */
    Instant lastModified();

    /**
     * The strong entity tag, quotes included (RFC 9110 section 8.8.3), e.g. {@code "1f4-18c2a0b3e10"}.
     * It must change whenever the bytes may have changed, because clients use it in
     * {@code If-Range} to decide whether a range still belongs to the copy they started from.
     *
     * @return the entity tag
     */
    String etag();

    /**
     * Opens the bytes for one response. The server closes the channel when the transfer completes
     * or fails.
     *
     * @return a readable channel positioned anywhere; the server reads by absolute position
     * @throws IOException if the bytes cannot be read any more
     */
    FileChannel open() throws IOException;

    /**
     * Whether the bytes {@code [start, endExclusive)} are present. A complete file holds every
     * span; a cache file that is still being filled (by multicast or repair) holds only the blocks
     * it verified. The server answers 404 for a span that is not held, rather than 416 (which
     * would claim the range lies beyond the end) or a short body (which would break the
     * {@code Content-Length} framing): to the client the requested bytes are simply not here, so
     * it takes them from another source.
     *
     * @param start first byte, inclusive
     * @param endExclusive end of the span, exclusive; at most {@link #length()}
     * @return {@code true} if every byte in the span can be served now
     */
    default boolean holds(long start, long endExclusive) {
        return true;
    }
}
