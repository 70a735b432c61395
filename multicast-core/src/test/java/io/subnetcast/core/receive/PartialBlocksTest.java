package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartialBlocksTest {
    @Test
    void behavesLikeAHashMapUnderRandomInsertionsAndRemovals() {
        SplittableRandom random = new SplittableRandom(42);
        PartialBlocks table = new PartialBlocks();
        Map<Integer, long[]> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // A small key range makes probe runs collide and wrap, which deletion must handle.
            int block = random.nextInt(step < 100_000 ? 64 : 5_000);
            if (random.nextInt(3) == 0) {
                assertSame(reference.remove(block), table.remove(block), "remove " + block + " at step " + step);
            } else if (!reference.containsKey(block)) {
                long[] bits = new long[1];
                reference.put(block, bits);
                table.putNew(block, bits);
            }
            assertSame(reference.get(block), table.get(block), "get " + block + " at step " + step);
            assertEquals(reference.size(), table.size());
        }
        for (Map.Entry<Integer, long[]> entry : reference.entrySet()) {
            assertSame(entry.getValue(), table.get(entry.getKey()));
        }
    }

    @Test
    void findsNothingInAnEmptyOrEmptiedTable() {
        PartialBlocks table = new PartialBlocks();
        assertNull(table.get(7));
        assertNull(table.remove(7));
        for (int block = 0; block < 1_000; block++) {
            table.putNew(block * 16, new long[1]); // same home slot in a small table before it grows
        }
        for (int block = 0; block < 1_000; block++) {
            table.remove(block * 16);
        }
        assertEquals(0, table.size());
        assertNull(table.get(0));
        assertNull(table.get(16));
    }
}
