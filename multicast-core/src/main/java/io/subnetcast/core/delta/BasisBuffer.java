package io.subnetcast.core.delta;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A basis file read sequentially into one large array, refilled with a carry-over so that the
 * scanner's window never breaks at a refill. Read errors name the file.
 */
final class BasisBuffer implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final byte[] bytes;
    private final ByteBuffer wrapper;
    private int limit;
    private boolean eof;
    private long bytesRead;

    private BasisBuffer(Path path, FileChannel channel, int capacity) {
        this.path = path;
        this.channel = channel;
        this.bytes = new byte[capacity];
        this.wrapper = ByteBuffer.wrap(bytes);
    }

    /**
     * @param path the basis
     * @param capacity buffer size in bytes
     * @return the buffer, empty until the first {@link #refill}
     * @throws IOException naming the path when it cannot be opened
     */
    static BasisBuffer open(Path path, int capacity) throws IOException {
        try {
            return new BasisBuffer(path, FileChannel.open(path, StandardOpenOption.READ), capacity);
        } catch (IOException e) {
            throw new IOException("cannot open basis " + path + ": " + e, e);
        }
    }

    /**
     * Moves {@code [keepFrom, limit)} to the start and reads until the buffer is full or the
     * file ends.
     *
     * @param keepFrom first byte to keep
     * @return how far the kept bytes moved down ({@code keepFrom}): subtract it from indexes
     * @throws IOException naming the path on a read error
     */
    int refill(int keepFrom) throws IOException {
        System.arraycopy(bytes, keepFrom, bytes, 0, limit - keepFrom);
        limit -= keepFrom;
        wrapper.clear().position(limit);
        try {
            while (wrapper.hasRemaining()) {
                int n = channel.read(wrapper);
                if (n < 0) {
                    eof = true;
                    break;
                }
                bytesRead += n;
            }
        } catch (IOException e) {
            throw new IOException("cannot read basis " + path + ": " + e, e);
        }
        limit = wrapper.position();
        return keepFrom;
    }

    /** @return the array; its contents change on {@link #refill} */
    byte[] bytes() {
        return bytes;
    }

    /** @return how many bytes of the array are valid */
    int limit() {
        return limit;
    }

    /** @return whether the file's end was reached */
    boolean eof() {
        return eof;
    }

    /** @return bytes read from the file so far */
    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
