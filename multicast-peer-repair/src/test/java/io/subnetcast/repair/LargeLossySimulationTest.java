package io.subnetcast.repair;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of issue 16 at 1,000 agents (4 MiB; about 8 minutes on two cores), run only with
 * {@code -Pscale}; buffer leak tracking is off in that run (the profile's argLine).
 */
class LargeLossySimulationTest {
    @TempDir
    Path dir;

    @Test
    void aThousandAgentsWithTwoPercentDataLoss() {
        LossyScale.runAndCheck(1000, 4L << 20, dir);
    }
}
