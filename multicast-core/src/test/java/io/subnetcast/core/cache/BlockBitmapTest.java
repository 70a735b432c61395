package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockBitmapTest {
    @Test
    void setClearAndScan() {
        BlockBitmap bitmap = new BlockBitmap(130);
        assertEquals(0, bitmap.nextClear(0));
        assertEquals(-1, bitmap.nextSet(0));
        assertTrue(bitmap.set(0));
        assertFalse(bitmap.set(0));
        assertTrue(bitmap.set(64));
        assertTrue(bitmap.set(129));
        assertEquals(3, bitmap.cardinality());
        assertEquals(1, bitmap.nextClear(0));
        assertEquals(64, bitmap.nextSet(1));
        assertEquals(129, bitmap.nextSet(65));
        assertTrue(bitmap.clear(64));
        assertFalse(bitmap.clear(64));
        assertEquals(129, bitmap.nextSet(1));
        for (int i = 0; i < 130; i++) {
            bitmap.set(i);
        }
        assertEquals(-1, bitmap.nextClear(0));
        assertEquals(130, bitmap.cardinality());
        bitmap.clearAll();
        assertEquals(0, bitmap.cardinality());
        assertEquals(-1, new BlockBitmap(64).nextSet(0));
        BlockBitmap full = new BlockBitmap(64);
        for (int i = 0; i < 64; i++) {
            full.set(i);
        }
        assertEquals(-1, full.nextClear(0));
    }
}
