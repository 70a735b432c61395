package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The append-only record of a task's verified blocks. A header names what the content is (length,
 * block size, identity); each record says "block i is present with this SHA-256", "block i is
 * expected to have this SHA-256" or "block i was dropped", and carries its own CRC32C. A record cut
 * short by a crash fails its CRC; reading stops there and the tail is truncated, so the journal
 * never claims more than was fully written.
 *
 * <p>Not thread-safe: {@link BlockLedger} owns it, under the lock of its {@link BlockFile}.
 */
final class BlockJournal implements AutoCloseable {
    static final int MAGIC = 0x534E434A; // "SNCJ"
    static final short VERSION = 1;
    static final int MAX_IDENTITY_BYTES = 1024;
    static final int RECORD_SIZE = 1 + 4 + BlockHashes.SHA256_LENGTH + 4;
    private static final byte[] NO_HASH = new byte[BlockHashes.SHA256_LENGTH];

    static final byte PRESENT = 1;
    static final byte EXPECTED = 2;
    static final byte DROPPED = 3;

    /** What a journal describes; a journal whose header differs from the caller's is stale. */
    record Header(long length, int blockSize, String identity) {
        Header {
            if (identity.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTITY_BYTES) {
                throw new IllegalArgumentException("content identity longer than " + MAX_IDENTITY_BYTES + " bytes");
            }
        }
    }

    /** Receives the records of a journal as it is read. */
    interface RecordVisitor {
        void visit(byte type, int index, byte[] sha256);
    }

    private final FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD_SIZE);
    private final CRC32C crc = new CRC32C();
    private long end;
    private int records;

    private BlockJournal(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** Creates (or truncates) a journal with the given header. */
    static BlockJournal create(Path file, Header header) throws IOException {
        FileChannel channel = FileChannel.open(file, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer encoded = encodeHeader(header);
            int size = encoded.remaining();
            PositionalIo.writeFully(channel, encoded, 0);
            return new BlockJournal(channel, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens an existing journal if its header equals {@code expected}, replays its records into
     * {@code visitor} and truncates a torn tail.
     *
     * @return the journal, or null if the file is unreadable or describes other content
     */
    static BlockJournal openIfMatches(Path file, Header expected, int blockCount, RecordVisitor visitor)
            throws IOException {
        FileChannel channel = FileChannel.open(file, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean keep = false;
        try {
            long headerEnd = readHeaderEnd(channel, expected);
            if (headerEnd < 0) {
                return null;
            }
            BlockJournal journal = new BlockJournal(channel, headerEnd);
            journal.replay(blockCount, visitor);
            keep = true;
            return journal;
        } finally {
            if (!keep) {
                channel.close();
            }
        }
    }

    /** @return the number of records appended or replayed since this journal was opened */
    int records() {
        return records;
    }

    /** Appends one record. The caller decides when to {@link #force()}. */
    void append(byte type, int index, byte[] sha256, int shaOffset) throws IOException {
        record.clear();
        record.put(type).putInt(index);
        if (sha256 == null) {
            record.put(NO_HASH);
        } else {
            record.put(sha256, shaOffset, BlockHashes.SHA256_LENGTH);
        }
        crc.reset();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue());
        record.flip();
        PositionalIo.writeFully(channel, record, end);
        end += RECORD_SIZE;
        records++;
    }

    /** Makes appended records durable across power loss (a process kill never needs it). */
    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void replay(int blockCount, RecordVisitor visitor) throws IOException {
        ByteBuffer batch = ByteBuffer.allocate(RECORD_SIZE * 1024);
        long position = end;
        long size = channel.size();
        byte[] sha = new byte[BlockHashes.SHA256_LENGTH];
        outer:
        while (position < size) {
            batch.clear();
            int read = channel.read(batch, position);
            if (read <= 0) {
                break;
            }
            batch.flip();
            while (batch.remaining() >= RECORD_SIZE) {
                int start = batch.position();
                crc.reset();
                crc.update(batch.array(), start, RECORD_SIZE - 4);
                byte type = batch.get();
                int index = batch.getInt();
                batch.get(sha);
                int storedCrc = batch.getInt();
                boolean typeKnown = type == PRESENT || type == EXPECTED || type == DROPPED;
                if (storedCrc != (int) crc.getValue() || !typeKnown || index < 0 || index >= blockCount) {
                    break outer;
                }
                visitor.visit(type, index, sha);
                records++;
                position += RECORD_SIZE;
            }
            if (read < RECORD_SIZE) {
                break;
            }
        }
        end = position;
        if (size > end) {
            // A torn or corrupt tail: drop it so that new records follow the last good one.
            channel.truncate(end);
        }
    }

    private static ByteBuffer encodeHeader(Header header) {
        byte[] identity = header.identity().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(4 + 2 + 2 + 8 + 4 + 2 + identity.length + 4);
        buffer.putInt(MAGIC).putShort(VERSION).putShort((short) 0)
                .putLong(header.length()).putInt(header.blockSize())
                .putShort((short) identity.length).put(identity);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        return buffer;
    }

    /** @return the offset of the first record, or -1 if the header is damaged or describes other content */
    private static long readHeaderEnd(FileChannel channel, Header expected) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(4 + 2 + 2 + 8 + 4 + 2);
        if (PositionalIo.readFully(channel, fixed, 0) < fixed.capacity()) {
            return -1;
        }
        fixed.flip();
        if (fixed.getInt() != MAGIC || fixed.getShort() != VERSION) {
            return -1;
        }
        fixed.getShort();
        long length = fixed.getLong();
        int blockSize = fixed.getInt();
        int identityLength = fixed.getShort() & 0xffff;
        if (identityLength > MAX_IDENTITY_BYTES) {
            return -1;
        }
        ByteBuffer rest = ByteBuffer.allocate(identityLength + 4);
        if (PositionalIo.readFully(channel, rest, fixed.capacity()) < rest.capacity()) {
            return -1;
        }
        rest.flip();
        byte[] identity = new byte[identityLength];
        rest.get(identity);
        int storedCrc = rest.getInt();
        CRC32C crc = new CRC32C();
        crc.update(fixed.array(), 0, fixed.capacity());
        crc.update(identity);
        if (storedCrc != (int) crc.getValue()) {
            return -1;
        }
        Header found = new Header(length, blockSize, new String(identity, StandardCharsets.UTF_8));
        return found.equals(expected) ? fixed.capacity() + rest.capacity() : -1;
    }
}
