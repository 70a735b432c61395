package io.subnetcast.core.cache;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Consecutive small writes of a {@link ContentFile}, gathered to reach the file as one positional
 * write: bytes that continue the run are copied in (about 40 ns for a datagram's payload, against
 * a system call of one to two microseconds), and the run is written out when a write does not
 * continue it, when it is full, or when anything looks at the file.
 *
 * <p>Not thread-safe: its {@code ContentFile} calls it under its own lock. The buffer is direct,
 * {@value #CAPACITY} bytes, allocated at the first write, so that an entry only read holds none.
 */
final class StagedRun {
    /** Bytes a run gathers before it is written: 45 datagrams of 1440 payload bytes. */
    static final int CAPACITY = 64 * 1024;

    private ByteBuffer buffer;
    private long start;

    /**
     * Copies the bytes into the run if they continue it, or start it when it is empty.
     *
     * @param offset package offset of the first byte
     * @param source the bytes; indexes unchanged
     * @param index absolute index of the first byte in {@code source}
     * @param count how many bytes
     * @return false if they neither continue nor start the run, or do not fit: nothing was copied
     */
    boolean append(long offset, ByteBuf source, int index, int count) {
        if (buffer == null) {
            if (count > CAPACITY) {
                return false;
            }
            buffer = ByteBuffer.allocateDirect(CAPACITY);
        }
        int staged = buffer.position();
        if (staged == 0) {
            start = offset;
        } else if (offset != start + staged) {
            return false;
        }
        if (count > CAPACITY - staged) {
            return false;
        }
        buffer.limit(staged + count);
        try {
            source.getBytes(index, buffer); // advances the buffer's position by count, allocates nothing
        } catch (RuntimeException e) {
            buffer.position(staged); // a source that failed halfway leaves nothing of it in the run
            throw e;
        } finally {
            buffer.limit(CAPACITY);
        }
        return true;
    }

    /** @return bytes waiting in the run */
    int staged() {
        return buffer == null ? 0 : buffer.position();
    }

    /**
     * Writes the run at its offset and empties it. On failure the run stays as it was, so that the
     * next flush tries again and nothing that depends on these bytes being in the file goes ahead.
     */
    void flushTo(FileChannel channel) throws IOException {
        if (buffer == null || buffer.position() == 0) {
            return;
        }
        int staged = buffer.position();
        buffer.flip();
        try {
            PositionalIo.writeFully(channel, buffer, start);
        } catch (IOException | RuntimeException e) {
            buffer.limit(CAPACITY).position(staged);
            throw e;
        }
        buffer.clear();
    }

    /** Forgets the staged bytes: the file they were meant for is being thrown away. */
    void discard() {
        if (buffer != null) {
            buffer.clear();
        }
    }
}
