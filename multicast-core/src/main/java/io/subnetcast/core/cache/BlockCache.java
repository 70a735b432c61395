package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A cache directory holding one {@link BlockFile} per task, in {@code <root>/<taskId>/}.
 *
 * <p>Task ids are checked with {@link CacheNames#requireTaskId}; a task directory that is a
 * symbolic link is refused, so nothing written through the cache can land outside its root.
 */
public final class BlockCache {
    private final Path root;

    private BlockCache(Path root) {
        this.root = root;
    }

    /**
     * Opens a cache directory, creating it if needed.
     *
     * @param root the cache directory
     * @return the cache
     * @throws IOException if the directory cannot be created or is not a writable directory
     */
    public static BlockCache open(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        Files.createDirectories(root);
        Path real = root.toRealPath();
        if (!Files.isDirectory(real) || !Files.isWritable(real)) {
            throw new IOException("cache directory " + root + " is not a writable directory");
        }
        return new BlockCache(real);
    }

    /** @return the cache directory, as a real path */
    public Path root() {
        return root;
    }

    /**
     * Opens a task's entry, creating it if needed. If the entry describes other content (another
     * length, block size or identity) its blocks are discarded: they belong to another version.
     *
     * @param taskId the task, checked with {@link CacheNames#requireTaskId}
     * @param length package length in bytes
     * @param blockSize block size in bytes
     * @param identity an opaque name of the content version, at most 1024 UTF-8 bytes: the task's
     *     SHA-256, or the origin's ETag; empty if unknown
     * @return the open entry; close it when done
     * @throws IOException if it cannot be opened, another process holds it, or the package needs
     *     more than {@link BlockFile#MAX_BLOCKS} blocks
     */
    public BlockFile open(String taskId, long length, int blockSize, String identity) throws IOException {
        CacheNames.requireTaskId(taskId);
        Objects.requireNonNull(identity, "identity");
        BlockLayout layout = new BlockLayout(length, blockSize);
        if (layout.blockCount() > BlockFile.MAX_BLOCKS) {
            // The layout may come from the network (a beacon): refuse it before any memory is spent.
            throw new IOException("task '" + taskId + "': a package of " + length + " bytes in blocks of " + blockSize
                    + " bytes needs " + layout.blockCount() + " blocks, more than the cache's " + BlockFile.MAX_BLOCKS);
        }
        return BlockFile.open(taskId, taskDirectory(taskId), layout, identity);
    }

    /**
     * Removes a task's entry if it is not in use.
     *
     * @param taskId the task
     * @throws IOException on failure
     */
    public void remove(String taskId) throws IOException {
        Path directory = CacheNames.resolveInside(root, CacheNames.requireTaskId(taskId));
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(directory)) {
            Files.delete(directory);
            return;
        }
        EntryFiles.deleteAll(directory);
    }

    private Path taskDirectory(String taskId) throws IOException {
        Path directory = CacheNames.resolveInside(root, taskId);
        if (Files.isSymbolicLink(directory)) {
            throw new IOException("cache entry " + directory + " is a symbolic link; refusing to follow it");
        }
        try {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cache entry " + directory + " exists and is not a directory", e);
            }
        }
        return directory;
    }
}
