package io.subnetcast.core.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads fuzzer bytes front to back as small typed values, answering zeros once the input is used
 * up, so that every byte string is a valid input and a seed can be written with {@link Seed}.
 * Unlike Jazzer's {@code FuzzedDataProvider}, which takes numbers from the end of the input, the
 * layout here is sequential, so seeds are easy to build and mutations stay local.
 */
public final class FuzzInput {
    private final byte[] bytes;
    private int position;

    /** @param bytes the fuzzer's input; not copied */
    public FuzzInput(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return whether unread bytes remain */
    public boolean hasMore() {
        return position < bytes.length;
    }

    /** @return the number of unread bytes */
    public int remaining() {
        return bytes.length - position;
    }

    /** @return the next byte as 0..255, 0 when exhausted */
    public int u8() {
        return position < bytes.length ? bytes[position++] & 0xff : 0;
    }

    /** @return the next two bytes, big-endian, as 0..65535 */
    public int u16() {
        return u8() << 8 | u8();
    }

    /** @return the next four bytes, big-endian */
    public int i32() {
        return u16() << 16 | u16();
    }

    /** @return the next eight bytes, big-endian */
    public long i64() {
        return (long) i32() << 32 | (i32() & 0xffffffffL);
    }

    /** @return the next byte's lowest bit */
    public boolean bool() {
        return (u8() & 1) != 0;
    }

    /**
     * @param bound number of choices, at least 1
     * @return 0 to {@code bound - 1}, from one byte
     */
    public int choose(int bound) {
        return u8() % bound;
    }

    /**
     * @param length bytes wanted
     * @return up to {@code length} next bytes (fewer when the input ends)
     */
    public byte[] bytes(int length) {
        int take = Math.max(0, Math.min(length, remaining()));
        byte[] out = Arrays.copyOfRange(bytes, position, position + take);
        position += take;
        return out;
    }

    /** @return a length-prefixed (u16) byte string */
    public byte[] lengthPrefixed() {
        return bytes(u16());
    }

    /** @return every unread byte */
    public byte[] rest() {
        return bytes(remaining());
    }

    /**
     * Creates a scratch directory for one fuzz execution, in memory ({@code /dev/shm}) where the
     * machine has it: the cache syncs to disk when it publishes, which would make each execution
     * wait for the disk.
     *
     * @param prefix name prefix
     * @return a new empty directory; the caller deletes it
     * @throws IOException if none can be created
     */
    public static Path scratchDirectory(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, prefix);
        }
        return Files.createTempDirectory(prefix);
    }
}
