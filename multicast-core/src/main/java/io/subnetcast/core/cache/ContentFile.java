package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that holds a package's bytes: sparse in the cache directory while blocks arrive, then
 * moved to its final place when published. Reads and writes go straight to {@link #channel()}
 * with {@link PositionalIo}; this class opens, empties, syncs and moves the file.
 *
 * <p>Not thread-safe: {@link BlockFile} hands the channel out under its lock and keeps it only for
 * the span of one read or write.
 */
final class ContentFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContentFile.class);

    private final long length;
    private Path path;
    private FileChannel channel;

    private ContentFile(long length, Path path, FileChannel channel) {
        this.length = length;
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens or creates the file for reading and writing. Bytes beyond the package's length are cut
     * off: the package's hash covers {@code length} bytes only, so they would be published unchecked.
     *
     * @param length the package length
     */
    static ContentFile open(Path path, long length) throws IOException {
        FileChannel channel = openForWriting(path);
        try {
            if (channel.size() > length) {
                channel.truncate(length);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new ContentFile(length, path, channel);
    }

    /** @return where the file is: in the cache, or its final place once moved */
    Path path() {
        return path;
    }

    /** @return the open channel; read-only once the file was copied to another file system */
    FileChannel channel() {
        return channel;
    }

    /** Makes written bytes durable across power loss, with the file's metadata if asked. */
    void force(boolean metadata) throws IOException {
        channel.force(metadata);
    }

    /** Deletes the file and opens a new, empty one in its place, for a fresh attempt. */
    void recreateEmpty() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
        channel = openForWriting(path);
    }

    /**
     * Moves the file to {@code destination} so that the destination either holds the whole package
     * or is untouched: a rename on the same file system, else a copy next to the destination that
     * is then renamed over it. The file is synced first, and the directory after, so that a power
     * loss cannot leave a renamed but empty file.
     *
     * @param destination the final path; its parent directory must exist
     */
    void moveTo(Path destination) throws IOException {
        channel.force(true);
        Path target = destination.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot place " + target + ": its directory does not exist");
        }
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException crossDevice) {
            copyThenRename(target, parent);
            channel.close();
            Files.deleteIfExists(path);
            channel = FileChannel.open(target, StandardOpenOption.READ);
        }
        syncDirectory(parent);
        path = target;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A copy under a hidden name, synced, then renamed: the rename is what makes it atomic. */
    private void copyThenRename(Path target, Path parent) throws IOException {
        Path staging = parent.resolve("." + target.getFileName() + ".subnetcast-" + ProcessHandle.current().pid());
        try {
            try (FileChannel out = FileChannel.open(staging, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long copied = 0;
                while (copied < length) {
                    copied += channel.transferTo(copied, length - copied, out);
                }
                out.force(true);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staging);
            throw e;
        }
    }

    private static FileChannel openForWriting(Path path) throws IOException {
        return FileChannel.open(path, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be opened; the rename itself is still atomic.
            LOG.debug("could not sync directory {}", directory, e);
        }
    }
}
