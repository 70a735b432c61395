package io.subnetcast.core.cache;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that holds a package's bytes: sparse in the cache directory while blocks arrive, then
 * moved to its final place when published. Reads and writes are positional, so that any thread
 * may write any block in any order, and every one is checked to lie inside the package.
 *
 * <p>Emptying or moving the file gives a new {@code ContentFile}. {@link BlockFile} hands the
 * current one out under its lock, and a write or read that runs outside the lock uses the file it
 * was handed even if the entry moves on meanwhile.
 *
 * <p>Small writes that continue one another (a multicast pass's datagrams, block after block) are
 * gathered in a {@link StagedRun} and reach the file as one positional write when the run breaks or
 * fills: one system call per 64 KiB instead of one per 1440-byte datagram, which was most of a
 * receiver's CPU per datagram. Everything that looks at the file's bytes (reads, the channel handed
 * out for hashing, sync, move, close) writes the run out first, so no reader ever sees the file
 * without it; a write that fails stays staged and fails again at the next flush, so a block whose
 * bytes did not reach the file cannot be committed. Staged bytes die with the process, as the chunk
 * map that records them does: only committed blocks survive a crash.
 */
final class ContentFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContentFile.class);

    private final long length;
    private final Path path;
    private final FileChannel channel;
    private final StagedRun staged = new StagedRun();

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

    /**
     * @return the open channel, for hashing, with every staged byte written to it; read-only once
     *     the file was copied to another file system
     */
    FileChannel channel() throws IOException {
        flush();
        return channel;
    }

    /** Writes the staged run, if any, to the file. */
    synchronized void flush() throws IOException {
        staged.flushTo(channel);
    }

    /** @throws IndexOutOfBoundsException unless {@code count} bytes from {@code offset} lie inside the package */
    void checkSpan(long offset, int count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + count + " outside package of "
                    + length + " bytes");
        }
    }

    /** Writes the remaining bytes of {@code source}, consuming them, at package offset {@code offset}. */
    synchronized void write(long offset, ByteBuffer source) throws IOException {
        checkSpan(offset, source.remaining());
        staged.flushTo(channel); // bytes land in the order they were written, staged ones first
        PositionalIo.writeFully(channel, source, offset);
    }

    /**
     * Writes {@code count} bytes of {@code source} from absolute {@code index}, its indexes
     * unchanged: staged when they continue the staged run (or start one), else written at once.
     */
    synchronized void write(long offset, ByteBuf source, int index, int count) throws IOException {
        checkSpan(offset, count);
        checkBuffer(source, index, count);
        if (staged.append(offset, source, index, count)) {
            return;
        }
        staged.flushTo(channel);
        if (!staged.append(offset, source, index, count)) {
            PositionalIo.writeFully(channel, source, index, count, offset); // bigger than a run
        }
    }

    /** @throws IndexOutOfBoundsException unless {@code count} bytes from absolute {@code index} lie inside {@code source} */
    static void checkBuffer(ByteBuf source, int index, int count) {
        if (index < 0 || count < 0 || index > source.capacity() - count) {
            throw new IndexOutOfBoundsException("bytes " + index + "+" + count + " outside a buffer of "
                    + source.capacity());
        }
    }

    /** Fills {@code target} from package offset {@code offset}, or up to the end of the package. */
    int read(long offset, ByteBuffer target) throws IOException {
        if (offset < 0 || offset > length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside package of " + length);
        }
        flush(); // then read outside the lock: a block server's read does not hold up the receiver
        long available = length - offset;
        if (target.remaining() > available) {
            target.limit(target.position() + (int) available);
        }
        return PositionalIo.readFully(channel, target, offset);
    }

    /** Makes written bytes durable across power loss, with the file's metadata if asked. */
    synchronized void force(boolean metadata) throws IOException {
        staged.flushTo(channel);
        channel.force(metadata);
    }

    /** Closes and deletes the file and opens a new, empty one in its place, for a fresh attempt. */
    synchronized ContentFile recreateEmpty() throws IOException {
        staged.discard(); // the content is thrown away: so are its staged bytes
        channel.close();
        Files.deleteIfExists(path);
        return new ContentFile(length, path, openForWriting(path));
    }

    /**
     * Moves the file to {@code destination} so that the destination either holds the whole package
     * or is untouched: a rename on the same file system, else a copy next to the destination that
     * is then renamed over it. The file is synced first, and the directory after, so that a power
     * loss cannot leave a renamed but empty file.
     *
     * @param destination the final path; its parent directory must exist
     * @return the file at its new place; this one must no longer be used
     */
    synchronized ContentFile moveTo(Path destination) throws IOException {
        staged.flushTo(channel);
        channel.force(true);
        Path target = destination.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot place " + target + ": its directory does not exist");
        }
        FileChannel moved = channel;
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException crossDevice) {
            copyThenRename(target, parent);
            channel.close();
            Files.deleteIfExists(path);
            moved = FileChannel.open(target, StandardOpenOption.READ);
        }
        syncDirectory(parent);
        return new ContentFile(length, target, moved);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            staged.flushTo(channel); // a partial block's chunks stay in the cache for a later session
        } finally {
            staged.discard();
            channel.close();
        }
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

    /**
     * A new file is created sparse: NTFS fills the skipped range with zeros on disk when a write
     * lands past a file's end unless the file carries the sparse flag, so a block near the end of a
     * 4 GiB package would cost 4 GiB of writes first. {@code SPARSE} is honoured only with
     * {@code CREATE_NEW} (and ignored where files are sparse anyway: ext4, xfs, APFS).
     */
    private static FileChannel openForWriting(Path path) throws IOException {
        try {
            return FileChannel.open(path, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.SPARSE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException existing) {
            return FileChannel.open(path, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
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
