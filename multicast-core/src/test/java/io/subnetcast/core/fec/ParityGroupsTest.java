package io.subnetcast.core.fec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ParityGroupsTest {
    @Test
    void oneMebibyteOfDatagrams() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        assertEquals(729, layout.chunks()); // 728 * 1440 = 1,048,320; 256 bytes left over
        assertEquals(6, layout.groups());
        // 729 = 6 * 121 + 3: groups 0-2 get one chunk more
        assertEquals(122, layout.sources(0));
        assertEquals(122, layout.sources(2));
        assertEquals(121, layout.sources(3));
        assertEquals(121, layout.sources(5));
        assertEquals(134, layout.maxParity(0));
        assertEquals(135, layout.maxParity(5));
        assertEquals(1440, layout.chunkLength(0));
        assertEquals(256, layout.chunkLength(728));
        assertEquals(728 * 1440, layout.chunkOffset(728));
        assertEquals(728 % 6, layout.group(728));
        assertEquals(728 / 6, layout.position(728));
        assertEquals(728, layout.chunk(2, 121));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.chunk(3, 121));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.chunkLength(729));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.sources(6));
    }

    @Test
    void everyChunkIsInExactlyOneGroupPosition() {
        for (int chunks : new int[] {1, 2, 127, 128, 129, 255, 256, 257, 729, 1000}) {
            ParityGroups layout = ParityGroups.of(chunks * 10 - 3, 10);
            assertEquals(chunks, layout.chunks());
            int total = 0;
            for (int g = 0; g < layout.groups(); g++) {
                int k = layout.sources(g);
                assertTrue(k >= 1 && k <= ParityGroups.MAX_SOURCES_PER_GROUP, "k = " + k);
                for (int t = 0; t < k; t++) {
                    int c = layout.chunk(g, t);
                    assertEquals(g, layout.group(c));
                    assertEquals(t, layout.position(c));
                }
                total += k;
            }
            assertEquals(chunks, total);
        }
    }

    @Test
    void tinyBlocks() {
        ParityGroups one = ParityGroups.of(1, 1440);
        assertEquals(1, one.chunks());
        assertEquals(1, one.groups());
        assertEquals(1, one.sources(0));
        assertEquals(255, one.maxParity(0));
        assertEquals(1, one.chunkLength(0));
        assertTrue(one.isValidParityId(254));
        assertFalse(one.isValidParityId(255));
        ParityGroups exact = ParityGroups.of(2880, 1440);
        assertEquals(2, exact.chunks());
        assertEquals(1440, exact.chunkLength(1));
    }

    @Test
    void parityIdsRoundTripAndAreContiguous() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        int expectedId = 0;
        // Ids run j * G + g; every group has at least 134 parity chunks, so the first 134 * 6 are dense.
        for (int j = 0; j < 134; j++) {
            for (int g = 0; g < 6; g++) {
                int id = layout.parityId(g, j);
                assertEquals(expectedId++, id);
                assertTrue(layout.isValidParityId(id));
                assertEquals(g, layout.groupOfParity(id));
                assertEquals(j, layout.indexOfParity(id));
            }
        }
        // Index 134 exists only in the groups of 121 sources.
        assertFalse(layout.isValidParityId(134 * 6 + 0));
        assertTrue(layout.isValidParityId(134 * 6 + 3));
        assertEquals(134 * 6 + 5, layout.parityId(5, 134));
        assertThrows(IndexOutOfBoundsException.class, () -> layout.parityId(0, 134));
    }

    @Test
    void hostileParityIdsAreRejected() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        int largest = layout.parityId(5, 134);
        for (int id : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 256 * 6, 135 * 6 + 5, 134 * 6 + 2,
                largest + 1}) {
            assertFalse(layout.isValidParityId(id), "id " + id);
            assertThrows(IllegalArgumentException.class, () -> layout.groupOfParity(id));
            assertThrows(IllegalArgumentException.class, () -> layout.indexOfParity(id));
        }
        for (int id = 0; id <= largest + 300; id++) {
            boolean valid = id / 6 < layout.maxParity(id % 6);
            assertEquals(valid, layout.isValidParityId(id), "id " + id);
        }
    }

    @Test
    void refusesBadValues() {
        assertThrows(IllegalArgumentException.class, () -> ParityGroups.of(0, 1440));
        assertThrows(IllegalArgumentException.class, () -> ParityGroups.of(-5, 1440));
        assertThrows(IllegalArgumentException.class, () -> ParityGroups.of(100, 0));
        assertThrows(IllegalArgumentException.class, () -> ParityGroups.of(100, -1));
        // 2^31 - 1 chunks of one byte would need ids beyond an int.
        assertThrows(IllegalArgumentException.class, () -> ParityGroups.of(Integer.MAX_VALUE, 1));
        ParityGroups huge = ParityGroups.of(Integer.MAX_VALUE, 1440);
        int last = huge.groups() - 1;
        int largestId = huge.parityId(last, huge.maxParity(last) - 1); // 2 GiB of 1440-byte chunks: still an int
        assertTrue(largestId > 0 && huge.isValidParityId(largestId));
        assertEquals(last, huge.groupOfParity(largestId));
    }

    @Test
    void parityNeededIsTheWorstGroup() {
        ParityGroups layout = ParityGroups.of(1 << 20, 1440);
        BitSet missing = new BitSet();
        assertEquals(0, layout.parityNeeded(missing));
        for (int c = 0; c < 20; c++) {
            missing.set(c); // a burst: spread over the six groups, at most 4 in any
        }
        assertEquals(4, layout.parityNeeded(missing));
        missing.set(6 * 50 + 1);
        missing.set(6 * 60 + 1);
        assertEquals(6, layout.parityNeeded(missing)); // group 1: chunks 1, 7, 13, 19, 301, 361
        missing.set(729);
        assertThrows(IllegalArgumentException.class, () -> layout.parityNeeded(missing));
    }

    @Test
    void valueSemantics() {
        assertEquals(ParityGroups.of(1000, 10), ParityGroups.of(1000, 10));
        assertEquals(ParityGroups.of(1000, 10).hashCode(), ParityGroups.of(1000, 10).hashCode());
        assertFalse(ParityGroups.of(1000, 10).equals(ParityGroups.of(1000, 11)));
    }
}
