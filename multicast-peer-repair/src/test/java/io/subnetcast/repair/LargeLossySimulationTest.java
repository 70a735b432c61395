package io.subnetcast.repair;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of issue 16 at 1,000 agents (4 MiB; about 8 minutes on two cores), and at the issue's
 * 64 MiB with 10 and 100 agents (1,000 agents would write 64 GB of copies on this machine's disk),
 * run only with {@code -Pscale}; buffer leak tracking is off in that run (the profile's argLine).
 */
class LargeLossySimulationTest {
    @TempDir
    Path dir;

    @Test
    void aThousandAgentsWithTwoPercentDataLoss() {
        LossyScale.runAndCheck(1000, 4L << 20, dir);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 100})
    void sixtyFourMiBWithTwoPercentDataLoss(int agents) {
        LossyScale.runAndCheck(agents, 64L << 20, dir.resolve("n" + agents));
    }
}
