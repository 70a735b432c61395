package io.subnetcast.core.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the regular files below one directory, and nothing else.
 *
 * <p>A path is mapped segment by segment and every segment is checked again here (empty,
 * {@code .}, {@code ..}, separators, {@code :}, control characters are refused), because this
 * class is public and may be called with paths that did not come through the server. Symbolic
 * links are followed, then the real path must lie inside the real root: a link to a file elsewhere
 * in the tree is served, a link that leads out of it is answered 404. Directories are never listed
 * (404), and special files (FIFOs, devices) are never opened, since opening a FIFO would block the
 * event loop.
 */
public final class DirectoryResolver implements ResourceResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryResolver.class);
    /** Longest decoded path looked up; longer ones cannot name a file on common file systems. */
    private static final int MAX_PATH_LENGTH = 4096;

    private final Path realRoot;

    /**
     * Creates a resolver for a directory.
     *
     * @param root an existing directory; its real path is taken now
     * @throws IllegalArgumentException if {@code root} is not an existing directory
     */
    public DirectoryResolver(Path root) {
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serve " + root + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(realRoot)) {
            throw new IllegalArgumentException("cannot serve " + root + ": not a directory");
        }
    }

    /** @return the real path of the served directory */
    public Path root() {
        return realRoot;
    }

    @Override
    public Optional<Resource> resolve(String decodedPath) {
        if (decodedPath == null || decodedPath.length() > MAX_PATH_LENGTH || !decodedPath.startsWith("/")) {
            return Optional.empty();
        }
        try {
            Path candidate = realRoot;
            for (String segment : decodedPath.substring(1).split("/", -1)) {
                if (segment.isEmpty() || !RequestTarget.acceptableSegment(segment)) {
                    return Optional.empty();
                }
                candidate = candidate.resolve(segment);
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(realRoot) || real.equals(realRoot)) {
                LOG.debug("refused {}: resolves to {} outside {}", decodedPath, real, realRoot);
                return Optional.empty();
            }
            if (!Files.isRegularFile(real)) {
                return Optional.empty();
            }
            return Optional.of(FileResource.of(real));
        } catch (IOException | RuntimeException e) {
            // Missing files, unreadable attributes and names the file system rejects are all "not here".
            LOG.debug("cannot resolve {}: {}", decodedPath, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "DirectoryResolver[" + realRoot + "]";
    }
}
