package io.subnetcast.core.cache;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads and writes of a {@link FileChannel}, repeated until done: a single call may
 * transfer fewer bytes than asked. Positional, so that threads writing different blocks of one
 * file need no shared position, and allocation-free, because every received datagram comes
 * through here.
 */
final class PositionalIo {
    private PositionalIo() {
    }

    /** Writes all remaining bytes of {@code source} at {@code position}. */
    static void writeFully(FileChannel channel, ByteBuffer source, long position) throws IOException {
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
    }

    /**
     * Positional write of buffer bytes, without allocating when the bytes lie in one NIO view:
     * {@code ByteBuf.getBytes(int, FileChannel, long, int)} would allocate a duplicate
     * {@code ByteBuffer} per call, that is per received datagram.
     */
    static void writeFully(FileChannel channel, ByteBuf source, int index, int length, long position)
            throws IOException {
        ByteBuffer view = reusableView(source, index, length);
        if (view != null) {
            writeFully(channel, view, position);
            return;
        }
        int done = 0;
        while (done < length) {
            done += source.getBytes(index + done, channel, position + done, length - done);
        }
    }

    /**
     * Reads into {@code target} from {@code position} until it is full or the file ends.
     *
     * @return the bytes read; fewer than asked only at the end of the file
     */
    static int readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        int total = 0;
        while (target.hasRemaining()) {
            int read = channel.read(target, position + total);
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    /**
     * The bytes as the reusable internal NIO view of the buffer that owns their memory: the buffer
     * itself, or the root of a slice, duplicate or wrapper (received datagrams are slices of the
     * buffer a batch was read into, and a slice's own internal view is a fresh {@code nioBuffer}).
     * The root index comes from the memory address (direct) or array offset (heap), so it is right
     * whatever the layers in between. Null where there is no single view (composites, foreign arrays).
     * {@link InOrderDigests} hashes the bytes it writes through the same view.
     */
    static ByteBuffer reusableView(ByteBuf source, int index, int length) {
        ByteBuf root = source;
        for (ByteBuf up = source.unwrap(); up != null; up = up.unwrap()) {
            root = up;
        }
        if (root.nioBufferCount() != 1) {
            return null;
        }
        long rootIndex;
        if (root == source) {
            rootIndex = index;
        } else if (source.hasMemoryAddress() && root.hasMemoryAddress()) {
            rootIndex = source.memoryAddress() + index - root.memoryAddress();
        } else if (source.hasArray() && root.hasArray() && source.array() == root.array()) {
            rootIndex = (long) source.arrayOffset() + index - root.arrayOffset();
        } else {
            return null;
        }
        if (rootIndex < 0 || rootIndex > root.capacity() - length) {
            return null;
        }
        return root.internalNioBuffer((int) rootIndex, length);
    }
}
