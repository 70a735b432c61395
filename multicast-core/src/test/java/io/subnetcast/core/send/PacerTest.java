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

    /** Drives a sender that always has datagrams waiting, woken every {@code tickNs}; returns {bytes, largest burst}. */
    private static long[] backlogged(Pacer pacer, long tickNs, long forNs) {
        long now = 0;
        long bytes = 0;
        long maxBurst = 0;
        for (; now < forNs; now += tickNs) {
            int burst = 0;
            while (pacer.tryAcquire(now, PACKET)) {
                bytes += PACKET;
                burst++;
            }
            maxBurst = Math.max(maxBurst, burst);
        }
        return new long[] {bytes, maxBurst};
    }

    @Test
    void aBackloggedSenderWokenLateKeepsItsRate() {
        // A busy host wakes the sender every 5 ms instead of every 120 us: the rate must hold.
        long[] late = backlogged(new Pacer(100_000_000L, PACKET), 5_000_000L, 1_000_000_000L);
        assertEquals(100.0, late[0] * 8 / 1e6, 2.0, "Mbit/s");
        // 5 ms at 100 Mbit/s is 62,500 bytes: 42 datagrams, sent together.
        assertTrue(late[1] <= 43, "burst of " + late[1]);

        // Woken every 50 ms, it catches up 10 ms at most: 1/5 of the rate.
        long[] asleep = backlogged(new Pacer(100_000_000L, PACKET), 50_000_000L, 1_000_000_000L);
        assertEquals(19.0, asleep[0] * 8 / 1e6, 0.5, "Mbit/s (19 late wakes after the first)");
        assertTrue(asleep[1] <= 84, "10 ms at 100 Mbit/s is 83 datagrams: " + asleep[1]);

        // At 1 Gbit/s 10 ms would be 833 datagrams: a catch-up is 256 at most.
        long[] fast = backlogged(new Pacer(1_000_000_000L, PACKET), 20_000_000L, 1_000_000_000L);
        assertEquals(Pacer.MAX_CATCH_UP_DATAGRAMS, fast[1]);
    }

    @Test
    void anIdleSenderBanksNoCatchUpAndACutTakesTheSurplusAway() {
        Pacer pacer = new Pacer(100_000_000L, PACKET);
        backlogged(pacer, 5_000_000L, 100_000_000L);
        // It caught up and then sent its last datagram with tokens to spare: idle, not backlogged.
        long now = 100_000_000L;
        for (int i = 0; i < 100; i++, now += 1_000_000L) {
            assertTrue(pacer.tryAcquire(now, PACKET), "one datagram a millisecond is less than the rate");
        }
        int burst = 0;
        while (pacer.tryAcquire(now + 1_000_000_000L, PACKET)) {
            burst++;
        }
        assertTrue(burst <= 3, "burst after a quiet second " + burst);

        Pacer cut = new Pacer(100_000_000L, PACKET);
        assertEquals(0, backlogged(cut, 1_000_000L, 2_000_000L)[0] % PACKET);
        cut.tryAcquire(12_000_000L, PACKET); // woken 10 ms late: a catch-up's worth banked
        cut.setRate(10_000_000L);
        int afterCut = 0;
        while (cut.tryAcquire(12_000_000L, PACKET)) {
            afterCut++;
        }
        assertTrue(afterCut <= 2, "a cut keeps only the new rate's bucket: " + afterCut);
    }
}
