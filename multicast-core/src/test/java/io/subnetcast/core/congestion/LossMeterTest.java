package io.subnetcast.core.congestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Loss and arrival rate from sequence numbers, on a virtual clock. */
class LossMeterTest {
    private static final int WIRE = 1500;
    private static final long GAP_NS = 1_200_000; // 1500 bytes every 1.2 ms = 10 Mbit/s

    @Test
    void everyFifthDatagramLostReadsTwentyPercentAtEightyPercentOfTheRate() {
        LossMeter meter = new LossMeter();
        boolean reported = false;
        long nowNs = 0;
        for (int seq = 0; seq < 200 && !reported; seq++) {
            nowNs += GAP_NS;
            if (seq % 5 != 4) {
                reported = meter.onDatagram(seq, WIRE, nowNs, 1);
            }
        }
        assertTrue(reported);
        assertEquals(0.20, meter.lossFraction() / 65_536.0, 0.02);
        assertEquals(8_000_000, meter.receiveRateBitsPerSecond(), 400_000);
    }

    /** A report names the first datagram its window covers, so the representative can tell pre-cut windows. */
    @Test
    void eachWindowBeginsWithTheDatagramAfterTheOneThatClosedTheLast() {
        LossMeter meter = new LossMeter();
        long nowNs = 0;
        int closedBy = -1;
        int windows = 0;
        for (int seq = 1000; windows < 3; seq++) {
            nowNs += GAP_NS;
            if (seq % 7 == 3) {
                continue; // lost: a window's first datagram need not have arrived
            }
            if (meter.onDatagram(seq, WIRE, nowNs, 1)) {
                assertEquals(windows == 0 ? 1000 : closedBy + 1, meter.windowFirstSequence(), "window " + windows);
                closedBy = seq;
                windows++;
            }
        }
    }

    @Test
    void aPauseOfTheSenderIsNotReadAsASlowLink() {
        LossMeter meter = new LossMeter();
        long nowNs = 0;
        int seq = 0;
        for (; seq < 40; seq++) {
            nowNs += GAP_NS;
            assertFalse(meter.onDatagram(seq, WIRE, nowNs, 1));
        }
        nowNs += 5_000_000_000L; // waiting for the download
        boolean reported = false;
        for (int limit = seq + 1000; !reported && seq < limit; seq++) {
            nowNs += GAP_NS;
            reported = meter.onDatagram(seq, WIRE, nowNs, 1);
        }
        assertEquals(0, meter.lossFraction());
        assertEquals(10_000_000, meter.receiveRateBitsPerSecond(), 500_000);
    }

    @Test
    void aForeignSequenceNumberIsNeitherLossNorArrival() {
        LossMeter meter = new LossMeter();
        long nowNs = 0;
        boolean reported = false;
        for (int seq = 0; !reported && seq < 1000; seq++) {
            nowNs += GAP_NS;
            reported = meter.onDatagram(seq, WIRE, nowNs, 1);
            meter.onDatagram(seq + 1_000_000_000, WIRE, nowNs, 1); // forged, far ahead
        }
        assertTrue(reported);
        assertEquals(0, meter.lossFraction());
    }

    @Test
    void aStrangerHeardFirstDoesNotHideTheRealStream() {
        LossMeter meter = new LossMeter();
        long nowNs = 0;
        meter.onDatagram(2_000_000_000, WIRE, nowNs, 1);
        boolean reported = false;
        for (int seq = 0; !reported && seq < 1000; seq++) {
            nowNs += GAP_NS;
            reported = meter.onDatagram(seq, WIRE, nowNs, 1);
        }
        assertTrue(reported);
        assertEquals(0, meter.lossFraction());
    }

    @Test
    void largeSessionsReportLessOften() {
        assertEquals(LossMeter.REPORT_INTERVAL_NS, LossMeter.reportIntervalNs(32));
        assertEquals(32 * LossMeter.REPORT_INTERVAL_NS, LossMeter.reportIntervalNs(1024));
    }
}
