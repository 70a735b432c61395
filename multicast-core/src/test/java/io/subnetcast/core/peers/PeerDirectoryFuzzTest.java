package io.subnetcast.core.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Fuzzes {@link PeerDirectory#update} with advertisements as they come off the wire: any first
 * block, any bitmap length, floods of node ids. Out-of-range advertisements are refused whole,
 * accepted bitmaps are recorded bit for bit and never beyond the package, and the directory never
 * holds more than its bound. Input: block count (u16), then advertisements until the input ends.
 */
class PeerDirectoryFuzzTest {
    private static final int MAX_PEERS = 4;

    @FuzzTest
    void update(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        int blockCount = in.u16() % 5000;
        PeerDirectory directory = new PeerDirectory(blockCount, MAX_PEERS);
        for (int i = 0; i < 200 && in.hasMore(); i++) {
            long node = in.choose(3) == 0 ? in.i64() : in.u8() % 6;
            boolean complete = in.bool();
            int firstBlock = switch (in.choose(5)) {
                case 0 -> in.u16() % (blockCount + 1);
                case 1 -> blockCount - in.u8() % 3;
                case 2 -> -1 - in.u8();
                default -> in.i32();
            };
            byte[] bitmap = in.bytes(in.u16() % 1024);
            boolean inRange = firstBlock >= 0 && firstBlock <= blockCount
                    && (long) bitmap.length * 8 <= blockCount - (long) firstBlock + 7;
            boolean known = directory.get(node) != null;
            int peersBefore = directory.peers().size();
            boolean accepted = directory.update(node, URI.create("http://198.18.0.9/"), complete, firstBlock, bitmap, i);
            assertEquals(inRange && (known || peersBefore < MAX_PEERS), accepted,
                    "first " + firstBlock + ", " + bitmap.length + " bytes, " + blockCount + " blocks");
            assertTrue(directory.peers().size() <= MAX_PEERS, "directory beyond its bound");
            PeerDirectory.Peer peer = directory.get(node);
            if (accepted && !complete) {
                for (int bit = 0; bit < bitmap.length * 8 && firstBlock + bit < blockCount; bit++) {
                    assertEquals((bitmap[bit >>> 3] & (1 << (bit & 7))) != 0, peer.holds(firstBlock + bit));
                }
            }
            if (blockCount > 0) {
                int block = in.u16() % blockCount;
                assertTrue(directory.lacking(block) <= directory.peers().size());
                assertTrue(directory.holdersOf(block, 0).size() <= directory.peers().size());
                if (peer != null && in.bool()) {
                    peer.forget(block);
                    assertTrue(!peer.holds(block));
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
                .resolve("io/subnetcast/core/peers/PeerDirectoryFuzzTestInputs/update");
        // 100 blocks; one peer advertising 13 bytes from block 0 (one byte too many), then from block 96.
        new Seed().u16(100).u8(1).u8(2).u8(0).u8(0).u16(0).u16(13).bytes(new byte[13]).u16(5).u8(0)
                .u8(1).u8(2).u8(0).u8(0).u16(96).u16(1).bytes(new byte[] {(byte) 0xff}).u16(99).u8(1)
                .writeTo(inputs, "edges");
        Seed flood = new Seed().u16(3000);
        for (int i = 0; i < 40; i++) {
            flood.u8(0).i64(0x1000 + i).u8(0).u8(4).i32(i % 2 == 0 ? Integer.MIN_VALUE : 3000).u16(2).u16(0xffff).u16(i).u8(0);
        }
        flood.writeTo(inputs, "flood-of-node-ids");
    }
}
