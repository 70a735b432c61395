package io.subnetcast.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The units a peer says its basis held: spans it covers, and its wire form read as hostile input. */
class VouchedUnitsTest {
    private static final BlockLayout LAYOUT = new BlockLayout(10 * 4096L + 100, 16 * 1024);

    private static VouchedUnits units(int... indexes) {
        BitSet bits = new BitSet();
        Arrays.stream(indexes).forEach(bits::set);
        return new VouchedUnits(4096, LAYOUT.length(), bits);
    }

    @Test
    void coversOnlySpansWhoseEveryUnitIsVouched() {
        VouchedUnits units = units(0, 1, 3, 10);
        assertTrue(units.covers(0, 2 * 4096));
        assertTrue(units.covers(4095, 4097));
        assertFalse(units.covers(4096, 2 * 4096 + 1), "unit 2 is missing");
        assertTrue(units.covers(10 * 4096, LAYOUT.length()), "the short last unit");
        assertFalse(units.covers(10 * 4096, LAYOUT.length() + 1), "past the end");
        assertFalse(units.covers(5, 5), "an empty span holds nothing to serve");
        assertFalse(units.covers(-1, 10));
    }

    @Test
    void theWireFormComesBackAsItWent() {
        VouchedUnits units = units(0, 2, 7, 10);
        VouchedUnits back = VouchedUnits.decode(units.encode(), LAYOUT);
        for (int unit = 0; unit <= 10; unit++) {
            long start = unit * 4096L;
            assertTrue(units.covers(start, Math.min(start + 4096, LAYOUT.length()))
                    == back.covers(start, Math.min(start + 4096, LAYOUT.length())), "unit " + unit);
        }
        assertArrayEquals(units.encode(), back.encode());
    }

    @Test
    void answersThatDoNotFitTheLayoutAreRefused() {
        byte[] good = units(1, 10).encode();
        assertNull(VouchedUnits.decode(null, LAYOUT));
        assertNull(VouchedUnits.decode(new byte[3], LAYOUT), "shorter than its header");
        assertNull(VouchedUnits.decode(Arrays.copyOf(good, good.length + 1), LAYOUT), "a byte too many");
        assertNull(VouchedUnits.decode(Arrays.copyOf(good, good.length - 1), LAYOUT), "a byte short");
        for (int size : new int[] {0, -4096, 256, 3000, 32 * 1024, Integer.MIN_VALUE}) {
            byte[] other = good.clone();
            ByteBuffer.wrap(other).putInt(size);
            assertNull(VouchedUnits.decode(other, LAYOUT), "unit size " + size);
        }
        byte[] pastEnd = good.clone();
        pastEnd[pastEnd.length - 1] |= (byte) 0x80; // unit 15 of 11
        assertNull(VouchedUnits.decode(pastEnd, LAYOUT), "a unit past the package's end");
    }
}
