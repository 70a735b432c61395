package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacerTest {
    private static final int PACKET = 1500;

    @Test
    void holdsTheRateOverOneSecondDrivenBySubMillisecondTicks() {
        Pacer pacer = new Pacer(100_000_000L, PACKET);
        long now = 1_000_000_000L;
        long bytes = 0;
        int maxPerTick = 0;
        for (long tick = 0; tick < 20_000; tick++) { // 50 us ticks for 1 s
            int thisTick = 0;
            while (pacer.tryAcquire(now, PACKET)) {
                bytes += PACKET;
                thisTick++;
            }
            maxPerTick = Math.max(maxPerTick, thisTick);
            now += 50_000;
        }
        double mbps = bytes * 8 / 1e6;
        assertEquals(100.0, mbps, 1.0, "rate");
        // 250 us at 100 Mbit/s is 3125 bytes: never more than two packets leave together.
        assertTrue(maxPerTick <= 3, "burst of " + maxPerTick + " packets");
    }

    @Test
    void saysHowLongToWaitAndAdaptsToANewRate() {
        Pacer pacer = new Pacer(8_000_000L, PACKET); // 1 byte per microsecond
        long now = 0;
        while (pacer.tryAcquire(now, PACKET)) {
            // drain the initial bucket
        }
        long wait = pacer.nanosUntilAvailable(now, PACKET);
        assertTrue(wait > 0 && wait <= 1_500_000, "wait " + wait);
        assertTrue(pacer.tryAcquire(now + wait, PACKET));
        pacer.setRate(16_000_000L);
        assertEquals(16_000_000L, pacer.rateBitsPerSecond());
        assertThrows(IllegalArgumentException.class, () -> pacer.setRate(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(1000, 0));
    }

    @Test
    void aLongIdleTimeDoesNotBankABurst() {
        Pacer pacer = new Pacer(100_000_000L, PACKET);
        pacer.tryAcquire(0, PACKET);
        long later = 10_000_000_000L; // 10 s of silence
        int burst = 0;
        while (pacer.tryAcquire(later, PACKET)) {
            burst++;
        }
        assertTrue(burst <= 3, "burst after idle " + burst);
    }
}
