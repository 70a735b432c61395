package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReportScheduleTest {
    private static final long MS = 1_000_000L;
    private final ReportSchedule schedule = new ReportSchedule(2_000 * MS, 25, 1_000 * MS, 50, 10_000 * MS);

    @Test
    void smallSessionsKeepTheConfiguredIntervalsExactly() {
        SplittableRandom random = new SplittableRandom(1);
        for (int size = 0; size <= 50; size++) {
            assertEquals(2_000 * MS, schedule.nextStatusDelayNs(size, random), "members " + size);
            assertEquals(1_000 * MS, schedule.nextAdvertDelayNs(size, random), "agents " + size);
            assertEquals(10_000 * MS, schedule.memberSilenceNs(size));
            assertEquals(10_000 * MS, schedule.advertSilenceNs(size));
        }
    }

    @Test
    void largeSessionsShareABudgetPerSecond() {
        assertEquals(40_000 * MS, schedule.statusIntervalNs(1000), "1000 members x 1/40 s = 25 statuses per second");
        assertEquals(20_000 * MS, schedule.advertIntervalNs(1000), "1000 agents x 1/20 s = 50 adverts per second");
        SplittableRandom random = new SplittableRandom(7);
        long sum = 0;
        for (int i = 0; i < 10_000; i++) {
            long delay = schedule.nextStatusDelayNs(1000, random);
            assertTrue(delay >= 20_000 * MS && delay < 60_000 * MS, "drawn from [1/2, 3/2) of 40 s: " + delay);
            sum += delay;
        }
        assertEquals(40_000 * MS, sum / 10_000, 1_000 * MS, "on average the stretched interval");
        assertEquals(180_000 * MS, schedule.memberSilenceNs(1000), "three of the longest intervals");
    }
}
