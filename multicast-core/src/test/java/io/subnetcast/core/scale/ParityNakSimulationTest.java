package io.subnetcast.core.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.testing.SampledLeakTracking;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of issue 16 without peer repair, in every build: 100 agents, 4 MiB, 2% of the data
 * datagrams lost at every receiver, repaired by the representative's parity alone. Each member
 * misses different chunks of every block, so chunk NAKs cannot stand for each other (100 agents
 * sent 135 of them for 4 blocks); a parity NAK stands for every member that misses at most as many.
 * {@code LargeScaleSimulationTest} runs 10, 100 and 1,000 agents with {@code -Pscale}.
 */
@ExtendWith(SampledLeakTracking.class)
class ParityNakSimulationTest {
    @TempDir
    Path dir;

    @Test
    void scatteredLossIsRepairedByParityWithAboutOneNakPerBlock() {
        LossySubnetScenario.Result result = checkParityRepair(100, 4L << 20, dir);
        assertTrue(result.retransmittedBytes() < result.lostDataBytes() / 10,
                "parity serves every member at once: " + result.describe());
        // At 100 agents, twice the budget and the representative's: 137 before members spread the
        // advert they send as the pass ends, 83 since.
        assertTrue(result.busiestAdvertSecond() <= 101, result.busiestAdvertSecond() + " adverts in one second");
    }

    /**
     * Loss reports stay spaced for the session's size while a crowd's first statuses are still
     * spread: at a status budget of 5 a second, 100 members take 20 s to report once, so the
     * representative's count (in its beacons) is a quarter of the truth when the 1.3 s pass runs.
     * Spaced for that count, the members sent four times the loss reports meant (seen at 1,000
     * agents and 64 MiB at the default budget: 874 statuses a second, 1,011 in the busiest).
     */
    @Test
    void lossReportsAreSpacedForTheCrowdNotForTheMembersCountedSoFar() {
        LossySubnetScenario.Result result = new LossySubnetScenario(100, 16, 0.02, 8L << 20, lan -> null,
                config -> config.statusesPerSecond(5).rateBitsPerSecond(50_000_000L)).run(dir);
        System.out.println(result.describe());
        assertEquals(100, result.verified());
        // LossMeter: about 32 reports per 100 ms for the whole session, and the few statuses and NAKs.
        assertTrue(result.busiestSecond() <= 400, result.busiestSecond() + " statuses and NAKs in the busiest second");
    }

    /** Runs the scenario without a gap repair and checks issue 16's targets for it. */
    static LossySubnetScenario.Result checkParityRepair(int agents, long packageBytes, Path directory) {
        LossySubnetScenario.Result result = new LossySubnetScenario(agents, 16, 0.02, packageBytes, lan -> null)
                .run(directory);
        System.out.println(result.describe());
        assertEquals(1, result.representatives());
        assertEquals(agents, result.verified(), "every copy verified");
        assertTrue(result.lostDataBytes() > 0, "the loss was injected");
        assertTrue(result.naks() > 0, "the loss was repaired by NAKs");
        assertTrue(result.mentionsPerMissingBlock() <= 2, result.mentionsPerMissingBlock() + " NAKs per block someone missed");
        assertTrue(result.repairPerLostByte() <= 1.2, result.repairPerLostByte() + "x the lost bytes repaired");
        // Bounded whatever the size: statuses at their budget (25 a second for the whole session),
        // loss reports (LossMeter spaces each member's windows so that together they stay under
        // about 320 a second: a 4 MiB pass lasts a tenth of a second, a 64 MiB one a second), NAKs.
        // Before members spread the news of their copies, 100 agents of a 4 MiB run sent 106 in
        // one second, and 1,000 about ten times as many.
        long bound = packageBytes <= 4L << 20 ? 80 : 400;
        assertTrue(result.busiestSecond() <= bound, result.busiestSecond() + " statuses and NAKs in the representative's busiest second");
        // Adverts within a bound independent of the number of agents: three times the budget of 50
        // a second (periodic, at the pass's end, at completion) and the representative's own
        // (1,000 agents x 64 MiB: 106).
        assertTrue(result.busiestAdvertSecond() <= 151, result.busiestAdvertSecond() + " adverts in one second");
        return result;
    }
}
