package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockLayoutTest {
    @Test
    void offsetsBeyondFourGibibytes() {
        long length = (5L << 30) + 12345; // 5 GiB and a bit
        BlockLayout layout = new BlockLayout(length, 1 << 20);
        assertEquals(5121, layout.blockCount());
        assertEquals(5120L << 20, layout.offsetOf(5120));
        assertEquals(12345, layout.lengthOf(5120));
        assertEquals(1 << 20, layout.lengthOf(4096));
        assertEquals(4096, layout.indexOf(4L << 30));
        assertEquals(5120, layout.indexOf(length - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.indexOf(length));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.offsetOf(5121));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.offsetOf(-1));
    }

    @Test
    void exactMultipleAndEmpty() {
        BlockLayout exact = new BlockLayout(4096, 1024);
        assertEquals(4, exact.blockCount());
        assertEquals(1024, exact.lengthOf(3));
        BlockLayout empty = new BlockLayout(0, 1024);
        assertEquals(0, empty.blockCount());
        assertFalse(empty.isValidIndex(0));
        assertTrue(exact.isValidIndex(3));
    }

    @Test
    void refusesBadValues() {
        assertThrows(IllegalArgumentException.class, () -> new BlockLayout(-1, 1024));
        assertThrows(IllegalArgumentException.class, () -> new BlockLayout(10, 1023));
        assertThrows(IllegalArgumentException.class, () -> new BlockLayout(10, BlockLayout.MAX_BLOCK_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockLayout(Long.MAX_VALUE, 1024));
    }
}
