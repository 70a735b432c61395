package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkQueueTest {
    @Test
    void keepsOrderAndRefusesDuplicatesLikeADequeWithASet() {
        SplittableRandom random = new SplittableRandom(7);
        ChunkQueue queue = new ChunkQueue();
        ArrayDeque<Long> order = new ArrayDeque<>();
        Set<Long> members = new HashSet<>();
        for (int step = 0; step < 300_000; step++) {
            // Backlogs grow and drain, so that ring and set wrap, grow and shift entries back.
            boolean filling = (step / 20_000) % 2 == 0;
            if (random.nextInt(10) < (filling ? 7 : 3)) {
                long key = ((long) random.nextInt(50) << 32) | (random.nextInt(400) * 1440L);
                assertEquals(members.add(key), queue.offer(key), "offer at step " + step);
                if (order.size() < members.size()) {
                    order.add(key);
                }
            } else {
                Long expected = order.poll();
                long polled = queue.poll();
                assertEquals(expected == null ? -1L : expected, polled, "poll at step " + step);
                if (expected != null) {
                    members.remove(expected);
                }
            }
            assertEquals(order.size(), queue.size());
            assertEquals(order.isEmpty() ? -1L : order.peek(), queue.peek());
        }
        for (long key : members) {
            assertTrue(queue.contains(key));
        }
    }

    @Test
    void anEmptyQueueAnswersMinusOneAndNegativeKeysAreRefused() {
        ChunkQueue queue = new ChunkQueue();
        assertEquals(-1L, queue.peek());
        assertEquals(-1L, queue.poll());
        assertFalse(queue.contains(0));
        assertThrows(IllegalArgumentException.class, () -> queue.offer(-1));
    }
}
