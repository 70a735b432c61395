package io.subnetcast.core.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every scanner test again with trusted block hashes of 4 units, and what only whole-block checks
 * do: blocks held whole come whole, everything else still comes unit by unit.
 */
class BasisScannerBlockTest extends BasisScannerTest {
    private static final int BLOCK = 4 * UNIT;

    @Override
    int blockSize() {
        return BLOCK;
    }

    @Test
    void anIdenticalBasisComesInWholeBlocks() throws IOException {
        // 10 blocks, then a last block of 2 units and a short one.
        byte[] v2 = random(10 * BLOCK + 2 * UNIT + 1000, 301);
        Delta delta = delta(v2, 0);
        assertEquals(delta.index.unitCount(), delta.scan(write("basis", v2)).unitsFound());
        assertEquals(11, delta.blocksTaken);
        assertEquals(v2.length, delta.bytes);
    }

    @Test
    void blocksAnEditDidNotTouchComeWholeAndTheEditedOnesUnitByUnit() throws IOException {
        Versions versions = new Versions();
        Delta delta = delta(versions.v2, 0);
        delta.scan(write("v1", versions.v1));
        int blocks = (versions.v2.length + BLOCK - 1) / BLOCK;
        int untouched = 0;
        for (int block = 0; block < blocks; block++) {
            int length = Math.min(BLOCK, versions.v2.length - block * BLOCK);
            untouched += versions.touched((long) block * BLOCK, length) ? 0 : 1;
        }
        // A block right after an edit may have been entered by a unit match (then it comes unit by
        // unit): at most one per edit (3 overwrites, 1 insertion).
        assertTrue(delta.blocksTaken <= untouched && delta.blocksTaken >= untouched - 4,
                delta.blocksTaken + " blocks taken whole of " + untouched + " untouched");
        for (int unit = 0; unit < delta.index.unitCount(); unit++) {
            assertTrue(delta.scanner.isFound(unit)
                    || versions.touched(delta.index.offsetOf(unit), delta.index.lengthOf(unit)), "unit " + unit);
        }
    }

    @Test
    void aBlockTheSinkDeclinesComesUnitByUnit() throws IOException {
        byte[] v2 = random(5 * BLOCK, 302);
        Delta delta = delta(v2, 0);
        delta.takeBlocks = false;
        assertEquals(20, delta.scan(write("basis", v2)).unitsFound());
        assertEquals(0, delta.blocksTaken);
        assertEquals(20, delta.count);
    }

    @Test
    void aBlockWhoseTrustedHashDiffersComesUnitByUnit() throws IOException {
        byte[] v2 = random(3 * BLOCK, 303);
        UnitIndex index = UnitIndex.of(write("v2", v2), UNIT);
        TrustedBlocks secondIsWrong = TrustedBlocks.of(BLOCK,
                block -> block == 1 ? new byte[32] : sha256(v2, block * BLOCK, BLOCK));
        Delta delta = new Delta(v2, index, new BasisScanner(index, secondIsWrong), BLOCK);
        assertEquals(12, delta.scan(write("basis", v2)).unitsFound());
        assertEquals(2, delta.blocksTaken);
        assertEquals(12, delta.count);
    }

    @Test
    void aBlockTakenWholeBringsTheTwinsOfItsUnitsElsewhere() throws IOException {
        // Unit 1 (in block 0) and unit 6 (in block 1) are zeros; the basis holds block 0 only.
        byte[] v2 = concat(random(UNIT, 304), new byte[UNIT], random(2 * UNIT, 305),
                random(2 * UNIT, 306), new byte[UNIT], random(UNIT, 307));
        Delta delta = delta(v2, 0);
        assertEquals(5, delta.scan(write("basis", Arrays.copyOf(v2, BLOCK))).unitsFound());
        assertEquals(1, delta.blocksTaken);
        assertTrue(delta.scanner.isFound(6), "the zero unit of block 1");
        assertFalse(delta.scanner.isFound(4));
    }

    @Test
    void aBlockWithAUnitFoundBeforeIsNotTakenWhole() throws IOException {
        byte[] v2 = random(2 * BLOCK, 308);
        Delta delta = delta(v2, 0);
        // The first basis holds unit 2 only (with unrelated bytes around it).
        assertEquals(1, delta.scan(write("a", concat(random(999, 309),
                Arrays.copyOfRange(v2, 2 * UNIT, 3 * UNIT), random(999, 310)))).unitsFound());
        assertEquals(7, delta.scan(write("b", v2)).unitsFound());
        assertEquals(1, delta.blocksTaken, "block 1 whole, block 0 unit by unit");
        assertEquals(8, delta.count);
    }
}
