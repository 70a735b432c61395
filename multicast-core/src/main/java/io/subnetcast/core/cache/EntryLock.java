package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock an open entry holds on the {@code lock} file in its directory, so that two
 * engines, in one process or two, never write the same entry. The operating system releases it
 * when the process dies, so a crash leaves no stale lock behind.
 */
final class EntryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private EntryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock without waiting.
     *
     * @param taskId names the task in the error
     * @throws IOException if another engine or process holds it, or the file cannot be opened
     */
    static EntryLock acquire(Path file, String taskId) throws IOException {
        FileChannel channel = FileChannel.open(file, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this process: another engine, or this one twice
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the cache entry for task '" + taskId + "' in " + file.getParent()
                    + " is in use by another engine or process");
        }
        return new EntryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.close();
        } finally {
            channel.close();
        }
    }
}
