package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.fec.ParityGroups;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The representative's answer to parity NAKs: requests for a block merge while their parity is
 * queued, every new request gets parity not sent before, and the ids stay those of the block.
 */
class ParityPlanTest {
    private static final int CHUNK = 1440;
    private static final int BLOCK = 1 << 20;

    @TempDir
    Path dir;
    private BlockFile store;
    private BlockSender sender;
    private ParityPlan plan;
    private ParityGroups groups;

    @BeforeEach
    void open() throws IOException {
        store = BlockCache.open(dir).open("t", 3L * BLOCK, BLOCK, "id"); // holds nothing: the pass waits
        sender = new BlockSender(store.layout(), CHUNK, 10_000);
        plan = new ParityPlan(store.layout(), CHUNK);
        groups = ParityGroups.of(BLOCK, CHUNK);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** Sends everything queued, as the pass sender does, and gives the parity ids by block. */
    private List<int[]> drain() {
        List<int[]> sent = new ArrayList<>();
        while (sender.next(store) == BlockSender.CHUNK) {
            assertTrue(sender.isParity());
            assertTrue(sender.isRetransmission());
            assertEquals(CHUNK, sender.length());
            sent.add(new int[] {sender.block(), sender.offset()});
            plan.sent(sender.block());
            sender.advance();
        }
        return sent;
    }

    @Test
    void requestsForABlockMergeWhileQueuedAndLaterOnesGetFreshParity() {
        assertTrue(groups.groups() > 1, "a 1 MiB block has several groups");
        assertEquals(5 * groups.groups(), plan.request(sender, 1, 5));
        assertEquals(0, plan.request(sender, 1, 3), "5 per group queued already serve a need of 3");
        assertEquals(3 * groups.groups(), plan.request(sender, 1, 8), "only the 3 more per group");
        List<int[]> first = drain();
        assertEquals(8 * groups.groups(), first.size());
        Set<Integer> ids = new HashSet<>();
        int[] perGroup = new int[groups.groups()];
        for (int[] chunk : first) {
            assertEquals(1, chunk[0]);
            assertTrue(groups.isValidParityId(chunk[1]));
            assertTrue(ids.add(chunk[1]), "each parity once");
            perGroup[groups.groupOfParity(chunk[1])]++;
            assertTrue(groups.indexOfParity(chunk[1]) < 8);
        }
        for (int count : perGroup) {
            assertEquals(8, count, "as many for every group");
        }
        assertEquals(2 * groups.groups(), plan.request(sender, 1, 2), "sent: a new request is served anew");
        for (int[] chunk : drain()) {
            assertFalse(ids.contains(chunk[1]), "with parity not sent before");
            int index = groups.indexOfParity(chunk[1]);
            assertTrue(index == 8 || index == 9, "index " + index);
        }
    }

    @Test
    void aCountIsBoundedAndIdsWrapPastTheLastParity() {
        assertEquals(ParityPlan.MAX_COUNT * groups.groups(), plan.request(sender, 0, Integer.MAX_VALUE));
        assertEquals(0, plan.request(sender, 0, -7));
        drain();
        int maxParity = groups.maxParity(0);
        int sent = ParityPlan.MAX_COUNT;
        while (sent < maxParity + 3) {
            plan.request(sender, 0, ParityPlan.MAX_COUNT);
            for (int[] chunk : drain()) {
                assertTrue(groups.isValidParityId(chunk[1]), "id " + chunk[1]);
            }
            sent += ParityPlan.MAX_COUNT;
        }
    }

    @Test
    void aShortLastBlockHasItsOwnGroups() throws IOException {
        try (BlockFile shortLast = BlockCache.open(dir.resolve("s")).open("s", BLOCK + 3000L, BLOCK, "id")) {
            BlockSender shortSender = new BlockSender(shortLast.layout(), CHUNK, 1000);
            ParityPlan shortPlan = new ParityPlan(shortLast.layout(), CHUNK);
            assertEquals(4, shortPlan.request(shortSender, 1, 4), "3,000 bytes: three chunks, one group");
            assertEquals(4 * groups.groups(), shortPlan.request(shortSender, 0, 4));
        }
    }
}
