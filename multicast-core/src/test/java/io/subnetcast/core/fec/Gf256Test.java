package io.subnetcast.core.fec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Gf256Test {
    /** Carry-less multiplication, then reduction modulo 0x11D: the field by its definition. */
    static int slowMul(int a, int b) {
        int product = 0;
        for (int bit = 0; bit < 8; bit++) {
            if ((b & (1 << bit)) != 0) {
                product ^= a << bit;
            }
        }
        for (int bit = 15; bit >= 8; bit--) {
            if ((product & (1 << bit)) != 0) {
                product ^= 0x11D << (bit - 8);
            }
        }
        return product;
    }

    @Test
    void everyProductMatchesTheDefinition() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertEquals(slowMul(a, b), Gf256.mul(a, b), a + " * " + b);
            }
        }
    }

    @Test
    void everyNonZeroElementHasItsInverse() {
        for (int a = 1; a < 256; a++) {
            assertEquals(1, slowMul(a, Gf256.inv(a)), "a = " + a);
        }
        assertThrows(ArithmeticException.class, () -> Gf256.inv(0));
    }

    @Test
    void twoGeneratesTheMultiplicativeGroup() {
        boolean[] seen = new boolean[256];
        int x = 1;
        for (int i = 0; i < 255; i++) {
            assertEquals(false, seen[x], "2^" + i + " repeats");
            seen[x] = true;
            x = slowMul(x, 2);
        }
        assertEquals(1, x);
    }

    @Test
    void fieldAxiomsOnRandomTriples() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            int a = random.nextInt(256);
            int b = random.nextInt(256);
            int c = random.nextInt(256);
            assertEquals(Gf256.mul(a, b), Gf256.mul(b, a));
            assertEquals(Gf256.mul(Gf256.mul(a, b), c), Gf256.mul(a, Gf256.mul(b, c)));
            assertEquals(Gf256.mul(a, b ^ c), Gf256.mul(a, b) ^ Gf256.mul(a, c));
            assertEquals(a, Gf256.mul(a, 1));
            assertEquals(0, Gf256.mul(a, 0));
        }
    }

    @Test
    void mulAddIsTheScalarLoop() {
        SplittableRandom random = new SplittableRandom(5);
        byte[] src = new byte[300];
        random.nextBytes(src);
        for (int c : new int[] {0, 1, 2, 0x8E, 255}) {
            byte[] dst = new byte[src.length];
            random.nextBytes(dst);
            byte[] expected = dst.clone();
            for (int i = 0; i < 299; i++) {
                expected[i] ^= (byte) slowMul(c, src[i] & 0xFF);
            }
            Gf256.mulAdd(dst, src, c, 299);
            assertArrayEquals(expected, dst, "c = " + c);
        }
    }
}
