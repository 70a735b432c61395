package io.subnetcast.core.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the bytes a {@link FuzzInput} reads back, in the same order: how seed inputs are made. */
public final class Seed {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** @param value 0..255 @return this */
    public Seed u8(int value) {
        out.write(value);
        return this;
    }

    /** @param value 0..65535 @return this */
    public Seed u16(int value) {
        return u8(value >>> 8 & 0xff).u8(value & 0xff);
    }

    /** @param value any int @return this */
    public Seed i32(int value) {
        return u16(value >>> 16).u16(value & 0xffff);
    }

    /** @param value any long @return this */
    public Seed i64(long value) {
        return i32((int) (value >>> 32)).i32((int) value);
    }

    /** @param value a flag @return this */
    public Seed bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    /** @param value raw bytes @return this */
    public Seed bytes(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    /** @param value bytes preceded by their u16 length @return this */
    public Seed lengthPrefixed(byte[] value) {
        return u16(value.length).bytes(value);
    }

    /** @return the seed */
    public byte[] toBytes() {
        return out.toByteArray();
    }

    /**
     * Writes the seed as a regression input of a fuzz test.
     *
     * @param directory the test's inputs directory
     * @param name file name
     * @throws IOException if it cannot be written
     */
    public void writeTo(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Files.write(directory.resolve(name), toBytes());
    }
}
