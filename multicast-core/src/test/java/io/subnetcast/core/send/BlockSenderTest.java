package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockSenderTest {
    private static final int BLOCK = 4096;
    private static final int CHUNK = 1000;

    @TempDir
    Path dir;

    /** An entry of three blocks, all held: what the pass sends. */
    private BlockFile threeHeldBlocks() throws IOException {
        BlockFile store = BlockCache.open(dir).open("t", 3L * BLOCK, BLOCK, "");
        for (int block = 0; block < 3; block++) {
            store.write((long) block * BLOCK, ByteBuffer.allocate(BLOCK));
            assertTrue(store.commitBlock(block));
        }
        return store;
    }

    @Test
    void aFloodOfRetransmissionRequestsAtMostHalvesThePass() throws IOException {
        try (BlockFile store = threeHeldBlocks()) {
            BlockSender sender = new BlockSender(store.layout(), CHUNK, 1000);
            int pass = 0;
            int retransmitted = 0;
            for (int sent = 0; sent < 1000 && !sender.passDone(); sent++) {
                sender.requestRetransmission(sent % 3, 0, BLOCK); // a NAK flood refills the queue
                assertEquals(BlockSender.CHUNK, sender.next(store));
                if (sender.isRetransmission()) {
                    retransmitted++;
                } else {
                    pass++;
                }
                sender.advance();
            }
            assertTrue(sender.passDone(), "the pass ends under a flood");
            assertEquals(15, pass);
            assertTrue(retransmitted <= pass, retransmitted + " retransmissions for " + pass + " pass chunks");
        }
    }

    /** Sends pass chunks until a retransmission is next; leaves it current. */
    private static int passChunksBeforeRetransmission(BlockSender sender, BlockFile store) {
        int pass = 0;
        while (true) {
            assertEquals(BlockSender.CHUNK, sender.next(store));
            if (sender.isRetransmission()) {
                return pass;
            }
            pass++;
            sender.advance();
        }
    }

    @Test
    void retransmissionsGoInRequestOrderOnceEachAndWithinTheBound() throws IOException {
        try (BlockFile store = threeHeldBlocks()) {
            BlockSender sender = new BlockSender(store.layout(), CHUNK, 4);
            assertEquals(2, sender.requestRetransmission(2, 1500, 1000)); // chunks 1000 and 2000
            assertEquals(0, sender.requestRetransmission(2, 1000, 10), "already queued");
            assertEquals(2, sender.requestRetransmission(1, 0, 500_000), "two chunks, then the bound");
            assertEquals(0, sender.requestRetransmission(0, 0, 1));
            assertEquals(0, sender.requestRetransmission(3, 0, 1), "no such block");
            assertEquals(4, sender.queuedRetransmissions());
            int[][] expected = {{2, 1000, 1000}, {2, 2000, 1000}, {1, 0, 1000}};
            int passChunks = 0;
            for (int[] chunk : expected) {
                passChunks += passChunksBeforeRetransmission(sender, store);
                assertEquals(chunk[0], sender.block());
                assertEquals(chunk[1], sender.offset());
                assertEquals(chunk[2], sender.length());
                sender.advance();
            }
            assertEquals(1, sender.queuedRetransmissions());
            assertEquals(1, sender.requestRetransmission(2, 1000, 1), "sent chunks may be asked for again");
            passChunks += passChunksBeforeRetransmission(sender, store);
            assertEquals(1000, sender.offset());
            sender.advance();
            passChunks += passChunksBeforeRetransmission(sender, store);
            assertEquals(2, sender.block());
            sender.advance();
            assertEquals(1, sender.requestRetransmission(0, 4000, 1));
            passChunks += passChunksBeforeRetransmission(sender, store);
            assertEquals(96, sender.length(), "the short last chunk of a block");
            sender.advance();
            assertEquals(0, sender.queuedRetransmissions());
            assertTrue(passChunks <= 6, "retransmissions alternate with the pass, they do not wait for it: " + passChunks);
            int firstPassChunks = passChunks;
            while (sender.next(store) == BlockSender.CHUNK) {
                assertTrue(!sender.isRetransmission());
                firstPassChunks++;
                sender.advance();
            }
            assertEquals(3 * 5, firstPassChunks);
            assertTrue(sender.passDone());
        }
    }

    /** A block decided SEND_PART goes out as the chunks the policy names only; the others whole. */
    @Test
    void aPartBlockSendsOnlyTheChunksThePolicyNames() throws IOException {
        try (BlockFile store = threeHeldBlocks()) {
            BlockSender.PassPolicy policy = new BlockSender.PassPolicy() {
                @Override
                public BlockSender.PassDecision decide(int block) {
                    return block == 1 ? BlockSender.PassDecision.SEND_PART : BlockSender.PassDecision.SEND;
                }

                @Override
                public boolean sendsChunk(int block, int offsetInBlock) {
                    return offsetInBlock == CHUNK || offsetInBlock == 3 * CHUNK;
                }
            };
            BlockSender sender = new BlockSender(store.layout(), CHUNK, 16, policy);
            java.util.List<String> sent = new java.util.ArrayList<>();
            while (sender.next(store) == BlockSender.CHUNK) {
                sent.add(sender.block() + "@" + sender.offset());
                sender.advance();
            }
            int perBlock = (BLOCK + CHUNK - 1) / CHUNK;
            assertEquals(2 * perBlock + 2, sent.size(), sent.toString());
            assertEquals(java.util.List.of("1@" + CHUNK, "1@" + 3 * CHUNK), sent.subList(perBlock, perBlock + 2));
            assertEquals("2@0", sent.get(perBlock + 2));
            assertTrue(sender.passDone());
        }
    }
}
