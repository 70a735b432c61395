package io.subnetcast.core.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * A complete regular file, described by the attributes read when it was resolved.
 *
 * <p>If the file changes after that, the response still carries the old length; a file that
 * shrank makes the transfer fail and the connection close, which the client sees as a truncated
 * body rather than wrong bytes under the old ETag.
 */
public final class FileResource implements Resource {
    private final Path file;
    private final long length;
    private final Instant lastModified;
    private final String etag;

    private FileResource(Path file, long length, Instant lastModified) {
        this.file = file;
        this.length = length;
        this.lastModified = lastModified;
        this.etag = strongEtag(length, lastModified);
    }

    /**
     * Reads the attributes of a regular file.
     *
     * @param file the file; not a symbolic link (pass {@link Path#toRealPath} of a link), because
     *     {@link #open()} refuses to follow one, so that a link swapped in after resolution is not
     *     followed out of the served tree
     * @return the resource
     * @throws IOException if the file cannot be read or is not a regular file
     */
    public static FileResource of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file: " + file);
        }
        return new FileResource(file, attributes.size(), attributes.lastModifiedTime().toInstant());
    }

    /**
     * The entity tag this server gives a file: {@code "<length hex>-<mtime millis hex>"}. Strong,
     * because a change to either the length or the modification time changes it, and a file is
     * only replaced (never rewritten in place) in the cache.
     *
     * @param length the file length
     * @param lastModified the modification time
     * @return the tag, quotes included
     */
    public static String strongEtag(long length, Instant lastModified) {
        return "\"" + Long.toHexString(length) + "-" + Long.toHexString(lastModified.toEpochMilli()) + "\"";
    }

    /** @return the file this resource reads */
    public Path file() {
        return file;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Instant lastModified() {
        return lastModified;
    }

    @Override
    public String etag() {
        return etag;
    }

    @Override
    public FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
        return "FileResource[" + file + ", " + length + " bytes, " + etag + "]";
    }
}
