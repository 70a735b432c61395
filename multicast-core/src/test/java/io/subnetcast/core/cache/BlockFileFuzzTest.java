package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Fuzzes what a {@link BlockFile} is told from outside: per-block SHA-256 values from manifests
 * ({@link BlockFile#expectBlockHash}) interleaved with honest and corrupt block writes, commits and
 * reopenings; and a journal file overwritten with arbitrary bytes or with well-formed records
 * (valid CRC) that lie about blocks. Opening must succeed or fail with an {@link IOException}, and a
 * block counts as present only if its bytes hash to the recorded value and to the expected one.
 */
class BlockFileFuzzTest {
    private static final int BLOCK = 1024;
    private static final String TASK = "fuzz-task";
    private static final String IDENTITY = "sha256:fuzz";

    @FuzzTest
    void manifest(byte[] input) throws IOException {
        FuzzInput in = new FuzzInput(input);
        Entry entry = new Entry(1 + in.u16() % (10 * BLOCK));
        try {
            BlockFile file = entry.open();
            for (int step = 0; step < 100 && in.hasMore(); step++) {
                int blocks = file.layout().blockCount();
                int index = in.choose(4) == 0 ? in.i32() : in.u8() % blocks;
                switch (in.choose(6)) {
                    case 0 -> {
                        byte[] hash = switch (in.choose(3)) {
                            case 0 -> entry.trueHash(Math.floorMod(index, blocks));
                            case 1 -> in.bytes(32);
                            default -> in.bytes(in.u8() % 64);
                        };
                        BlockFile current = file;
                        if (!file.layout().isValidIndex(index)) {
                            assertThrows(IndexOutOfBoundsException.class, () -> current.expectBlockHash(index, hash));
                        } else if (hash.length != 32) {
                            assertThrows(IllegalArgumentException.class, () -> current.expectBlockHash(index, hash));
                        } else {
                            file.expectBlockHash(index, hash);
                        }
                    }
                    case 1 -> {
                        if (!file.layout().isValidIndex(index)) {
                            break;
                        }
                        if (in.bool()) {
                            // Untrusted bytes (a peer's) go through writeToMissing: held blocks stay as they are.
                            long offset = Math.min(file.layout().offsetOf(index) + in.u16() % BLOCK, file.layout().length());
                            byte[] bytes = in.bytes((int) Math.min(in.u16() % (3 * BLOCK), file.layout().length() - offset));
                            ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
                            file.writeToMissing(offset, buffer);
                            buffer.release();
                        } else if (!file.hasBlock(index)) {
                            // Like every caller, plain writes only go to blocks not held.
                            entry.writeBlock(file, index, in.bool() ? null : in.bytes(in.u8()));
                        }
                    }
                    case 2 -> {
                        if (file.layout().isValidIndex(index)) {
                            boolean committed = file.commitBlock(index);
                            byte[] expected = file.expectedBlockHash(index);
                            if (committed && expected != null) {
                                assertArrayEquals(expected, entry.hashOnDisk(file, index));
                            }
                        }
                    }
                    case 3 -> {
                        if (file.layout().isValidIndex(index)) {
                            file.dropBlock(index);
                            assertFalse(file.hasBlock(index));
                        }
                    }
                    case 4 -> {
                        file.close();
                        file = entry.open();
                    }
                    default -> assertFalse(file.hasBlock(index) && !file.layout().isValidIndex(index));
                }
                entry.checkVerified(file);
            }
            file.close();
        } finally {
            entry.delete();
        }
    }

    @FuzzTest
    void journal(byte[] input) throws IOException {
        FuzzInput in = new FuzzInput(input);
        Entry entry = new Entry(1 + in.u16() % (10 * BLOCK));
        try {
            try (BlockFile file = entry.open()) {
                for (int block = 0; block < file.layout().blockCount(); block++) {
                    if (in.bool()) {
                        file.expectBlockHash(block, entry.trueHash(block));
                    }
                    entry.writeBlock(file, block, null);
                    assertTrue(file.commitBlock(block));
                }
            }
            Path journal = entry.directory().resolve(EntryFiles.JOURNAL);
            switch (in.choose(3)) {
                case 0 -> Files.write(journal, in.rest());
                case 1 -> {
                    // Records with valid CRCs that say anything about any block.
                    BlockJournal.Header header = new BlockJournal.Header(entry.length, BLOCK, IDENTITY);
                    try (BlockJournal forged = BlockJournal.create(journal, header)) {
                        for (int i = 0; i < 64 && in.remaining() > 1; i++) {
                            byte type = (byte) (in.choose(5) == 0 ? in.u8() : 1 + in.u8() % 3);
                            int index = in.choose(4) == 0 ? in.i32() : in.u8() % (entry.blocks() + 2);
                            byte[] sha = switch (in.choose(3)) {
                                case 0 -> entry.trueHash(Math.floorMod(index, entry.blocks()));
                                case 1 -> entry.trueHash(Math.floorMod(index + 1, entry.blocks()));
                                default -> Arrays.copyOf(in.bytes(32), 32);
                            };
                            forged.append(type, index, sha, 0);
                        }
                    }
                    if (in.bool()) {
                        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                            channel.write(ByteBuffer.wrap(in.bytes(in.u8())), in.u16() % (channel.size() + 1));
                        }
                    }
                }
                default -> {
                    // A torn content file under an honest journal.
                    try (FileChannel channel = FileChannel.open(entry.directory().resolve(EntryFiles.CONTENT),
                            StandardOpenOption.WRITE)) {
                        if (in.bool()) {
                            channel.truncate(in.u16() % (entry.length + 1));
                        } else {
                            channel.write(ByteBuffer.wrap(in.bytes(1 + in.u8())), in.u16() % entry.length);
                        }
                    }
                }
            }
            BlockFile reopened;
            try {
                reopened = entry.open();
            } catch (IOException e) {
                return; // a clean refusal is fine
            }
            int present;
            try (BlockFile file = reopened) {
                entry.checkVerified(file);
                present = file.presentBlocks();
            }
            try (BlockFile again = entry.open()) {
                entry.checkVerified(again);
                assertEquals(present, again.presentBlocks(), "a second reopen changed what is held");
            }
        } finally {
            entry.delete();
        }
    }

    /** One cache entry of a random package in a scratch directory. */
    private static final class Entry {
        final int length;
        final byte[] content;
        final BlockLayout layout;
        final Path root;
        final BlockCache cache;

        Entry(int length) throws IOException {
            this.length = length;
            this.content = new byte[length];
            new SplittableRandom(length).nextBytes(content);
            this.layout = new BlockLayout(length, BLOCK);
            this.root = FuzzInput.scratchDirectory("blockfile-fuzz");
            this.cache = BlockCache.open(root);
        }

        int blocks() {
            return layout.blockCount();
        }

        BlockFile open() throws IOException {
            return cache.open(TASK, length, BLOCK, IDENTITY);
        }

        Path directory() {
            return cache.root().resolve(TASK);
        }

        byte[] trueHash(int block) {
            MessageDigest digest = BlockHashes.newSha256();
            digest.update(content, (int) layout.offsetOf(block), layout.lengthOf(block));
            return digest.digest();
        }

        /** Writes the block's true bytes, or the given bytes over its start when not null. */
        void writeBlock(BlockFile file, int block, byte[] corrupt) throws IOException {
            int offset = (int) layout.offsetOf(block);
            ByteBuffer bytes = ByteBuffer.wrap(content, offset, layout.lengthOf(block));
            file.write(offset, bytes);
            if (corrupt != null && corrupt.length > 0) {
                file.write(offset, ByteBuffer.wrap(corrupt, 0, Math.min(corrupt.length, layout.lengthOf(block))));
            }
        }

        byte[] hashOnDisk(BlockFile file, int block) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(layout.lengthOf(block));
            int read = file.read(layout.offsetOf(block), bytes);
            bytes.flip();
            MessageDigest digest = BlockHashes.newSha256();
            digest.update(bytes);
            if (read < layout.lengthOf(block)) {
                return null;
            }
            return digest.digest();
        }

        /** Every present block is whole, hashes as recorded, and as its manifest says. */
        void checkVerified(BlockFile file) throws IOException {
            long held = 0;
            for (int block = 0; block < layout.blockCount(); block++) {
                if (!file.hasBlock(block)) {
                    continue;
                }
                byte[] onDisk = hashOnDisk(file, block);
                assertArrayEquals(file.presentBlockHash(block), onDisk, "present block " + block + " does not verify");
                byte[] expected = file.expectedBlockHash(block);
                if (expected != null) {
                    assertArrayEquals(expected, onDisk, "present block " + block + " differs from its manifest");
                }
                held += layout.lengthOf(block);
            }
            assertEquals(held, file.bytesHeld());
        }

        void delete() throws IOException {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/cache/BlockFileFuzzTestInputs");
        // Four blocks: a wrong hash for block 1, then its true bytes are committed (refused), then
        // the true hash, a corrupt write and a commit, a reopen.
        new Seed().u16(4 * BLOCK - 1)
                .u8(1).u8(1).u8(0).u8(1).bytes(new byte[32])
                .u8(1).u8(1).u8(1).u8(1)
                .u8(1).u8(1).u8(2)
                .u8(1).u8(1).u8(0).u8(0)
                .u8(1).u8(1).u8(1).u8(0).u8(8).bytes(new byte[8])
                .u8(1).u8(1).u8(2)
                .u8(1).u8(2).u8(4)
                .u8(0).i32(Integer.MIN_VALUE).u8(0).u8(0)
                .writeTo(inputs.resolve("manifest"), "wrong-then-true-hash");
        new Seed().u16(3 * BLOCK).u8(1).u8(0).u8(1).u8(0)
                .bytes(new byte[] {0x53, 0x4e, 0x43, 0x4a, 0, 1, 0, 0})
                .writeTo(inputs.resolve("journal"), "garbage-after-magic");
        // Forged records: block 0 present with block 1's hash, an unknown type, a negative index.
        new Seed().u16(3 * BLOCK).u8(0).u8(0).u8(0).u8(1)
                .u8(1).u8(0).u8(1).u8(0).u8(1)
                .u8(0).u8(9).u8(1).u8(1).u8(0)
                .u8(1).u8(0).u8(0).i32(-1).u8(2).bytes(new byte[32])
                .u8(1).u8(2).u8(1).u8(2).u8(0)
                .u8(0)
                .writeTo(inputs.resolve("journal"), "forged-records");
        new Seed().u16(3 * BLOCK).u8(1).u8(1).u8(1).u8(2).u8(0).u8(16).bytes(new byte[17]).u16(1500)
                .writeTo(inputs.resolve("journal"), "torn-content");
    }
}
