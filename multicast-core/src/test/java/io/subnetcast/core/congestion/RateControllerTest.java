package io.subnetcast.core.congestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rate decisions, report by report, on a virtual clock. */
class RateControllerTest {
    private static final long MBIT = 1_000_000L;
    private static final long INTERVAL = LossMeter.REPORT_INTERVAL_NS;
    private static final int ALL_LOST = 65_536;
    private static final int NO_LOSS = 0;

    private final RateController control = new RateController(100 * MBIT);
    private long nowNs = 1_000_000_000L;

    /** One report interval passes: each listed receiver reports (loss, arrival Mbit/s), then the controller decides. */
    private void interval(int members, long[][] reports) {
        control.tick(nowNs, members);
        nowNs += INTERVAL;
        control.onSent((int) (control.rateBitsPerSecond() * INTERVAL / 8_000_000_000L)); // a busy sender
        for (long[] report : reports) {
            control.onReport(report[0], (int) report[1], report[2] * MBIT, nowNs);
        }
        control.tick(nowNs, members);
    }

    private static int percent(double value) {
        return (int) (65_536 * value / 100);
    }

    @Test
    void aCongestedLinkCutsTheRateToNinetyPercentOfWhatArrivesThenProbesBackUp() {
        interval(2, new long[][] {{1, percent(80), 20}, {2, percent(80), 20}});
        assertEquals(18 * MBIT, control.rateBitsPerSecond(), 0.01 * MBIT);
        for (int i = 0; i < 3; i++) {
            interval(2, new long[][] {{1, NO_LOSS, 18}, {2, NO_LOSS, 18}});
        }
        long probed = control.rateBitsPerSecond();
        assertTrue(probed > 18 * MBIT && probed < 21 * MBIT, "grows 5% a step up to the last limit: " + probed);
        for (int i = 0; i < 10; i++) {
            interval(2, new long[][] {{1, NO_LOSS, 20}, {2, NO_LOSS, 20}});
        }
        assertTrue(control.rateBitsPerSecond() < 24 * MBIT, "then 1% a step: " + control.rateBitsPerSecond());
    }

    @Test
    void theRateNeverExceedsTheConfiguredCeiling() {
        for (int i = 0; i < 50; i++) {
            interval(1, new long[][] {{1, NO_LOSS, 100}});
        }
        assertEquals(100 * MBIT, control.rateBitsPerSecond());
        assertEquals(0, control.cuts());
    }

    @Test
    void aReceiverFarSlowerThanTheOthersIsLeftToPeerRepair() {
        long[][] reports = new long[10][];
        for (int i = 0; i < 9; i++) {
            reports[i] = new long[] {i, NO_LOSS, 50};
        }
        reports[9] = new long[] {9, percent(96), 2}; // behind a 2 Mbit/s link
        for (int i = 0; i < 5; i++) {
            interval(10, reports);
        }
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "not dragged down by one slow receiver");
        assertTrue(control.slowReports() >= 5);
    }

    @Test
    void aReceiverAQuarterAsFastAsTheOthersStillCounts() {
        long[][] reports = {{1, percent(70), 30}, {2, NO_LOSS, 100}, {3, NO_LOSS, 100}};
        interval(3, reports);
        assertEquals(27 * MBIT, control.rateBitsPerSecond(), 0.01 * MBIT, "30 Mbit/s is not below a quarter of 100");
    }

    @Test
    void aSoleForgedReportOfTotalLossIsBoundedByTheFloorAndUndoneWhenItDoesNotStop() {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            interval(1, new long[][] {{7, ALL_LOST, 0}});
            lowest = Math.min(lowest, control.rateBitsPerSecond());
        }
        assertEquals(control.floorBitsPerSecond(), lowest, "a report of total loss costs at most the floor");
        assertEquals(100 * MBIT / RateController.FLOOR_DIVISOR, control.floorBitsPerSecond());
        assertEquals(1, control.unresponsiveReceivers());
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "the cut that did not help was undone");
        interval(1, new long[][] {{7, ALL_LOST, 0}});
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "and the receiver no longer counts");
    }

    @Test
    void randomLossThatDoesNotFallWithTheRateStopsCountingAfterOneCut() {
        for (int i = 0; i < 8; i++) {
            long rate = control.rateBitsPerSecond() / MBIT;
            interval(2, new long[][] {{1, percent(10), rate * 9 / 10}, {2, percent(10), rate * 9 / 10}});
        }
        assertEquals(1, control.cuts(), "one cut, then the loss is seen not to follow the rate");
        assertEquals(100 * MBIT, control.rateBitsPerSecond());
    }

    /**
     * A member starved of CPU reads its socket late, so its windows may cover datagrams sent before
     * a cut long after the cut: judged by time, its loss from before the cut read as loss the cut did
     * not end, and the member stopped counting. Windows that name their first datagram are judged
     * from the second window that begins after the cut (the first meets the queue the old rate left).
     */
    @Test
    void aCutIsJudgedOnlyOnWindowsThatBeginAfterItWhateverTheirTiming() {
        long sequence = 0;
        control.tick(nowNs, 1, sequence);
        nowNs += INTERVAL;
        sequence += 800;
        control.onSent((int) (control.rateBitsPerSecond() * INTERVAL / 8_000_000_000L));
        control.onReport(1, percent(80), 20 * MBIT, 0, nowNs);
        assertTrue(control.tick(nowNs, 1, sequence));
        assertEquals(18 * MBIT, control.rateBitsPerSecond(), 0.01 * MBIT, "cut from datagram 800 on");

        long cutAt = sequence;
        for (long windowFirst : new long[] {cutAt - 300, cutAt - 1, cutAt, cutAt + 150}) {
            nowNs += 2 * INTERVAL; // later than the interval and a half that stands in for unnamed windows
            sequence += 300;
            control.onSent((int) (control.rateBitsPerSecond() * 2 * INTERVAL / 8_000_000_000L));
            control.onReport(1, percent(80), 18 * MBIT, windowFirst, nowNs);
            control.tick(nowNs, 1, sequence);
            if (windowFirst < cutAt + 150) {
                assertEquals(18 * MBIT, control.rateBitsPerSecond(), 0.01 * MBIT, "not judged: window from " + windowFirst);
                assertEquals(0, control.unresponsiveReceivers());
            }
        }
        assertEquals(1, control.unresponsiveReceivers(), "the second window after the cut lost as much: not the rate's loss");
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "and the cut is undone");
    }

    @Test
    void hostileWindowSequencesAreIgnored() {
        control.onReport(1, percent(80), 20 * MBIT, -2, nowNs);
        control.onReport(1, percent(80), 20 * MBIT, 1L << 32, nowNs);
        assertFalse(control.tick(nowNs, 1, 0));
        assertEquals(100 * MBIT, control.rateBitsPerSecond());
    }

    @Test
    void reportsWaitUntilHalfTheMembersHaveSpoken() {
        interval(6, new long[][] {{1, ALL_LOST, 0}});
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "one report of six members decides nothing");
        interval(6, new long[][] {{1, ALL_LOST, 0}, {2, NO_LOSS, 100}, {3, NO_LOSS, 100}});
        assertEquals(100 * MBIT, control.rateBitsPerSecond(), "and then it is seen to be slow");
        assertTrue(control.slowReports() > 0);
    }

    @Test
    void theRateDoesNotGrowWhileTheSenderDoesNotUseIt() {
        interval(1, new long[][] {{1, percent(80), 20}});
        long cut = control.rateBitsPerSecond();
        assertEquals(18 * MBIT, cut, 0.01 * MBIT);
        for (int i = 0; i < 20; i++) {
            control.tick(nowNs, 1);
            nowNs += INTERVAL; // nothing sent: waiting for the download
        }
        assertEquals(cut, control.rateBitsPerSecond());
    }

    @Test
    void aReceiverThatStallsForOneWindowDoesNotCutTheRateToItsShortWindow() {
        interval(2, new long[][] {{1, NO_LOSS, 50}, {2, NO_LOSS, 50}});
        // A 5% loss while 100 Mbit/s went out, but the stalled receiver counted only 10 Mbit/s.
        interval(2, new long[][] {{1, percent(5), 10}, {2, NO_LOSS, 100}});
        assertEquals(0.9 * 95 * MBIT, control.rateBitsPerSecond(), 0.01 * MBIT);
    }

    @Test
    void hostileValuesAreIgnored() {
        control.onReport(1, -1, 0, nowNs);
        control.onReport(1, ALL_LOST + 1, 0, nowNs);
        control.onReport(1, ALL_LOST, -5, nowNs);
        assertFalse(control.tick(nowNs, 1));
        assertEquals(100 * MBIT, control.rateBitsPerSecond());
    }
}
