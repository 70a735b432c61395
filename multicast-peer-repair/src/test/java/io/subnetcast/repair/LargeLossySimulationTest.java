package io.subnetcast.repair;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of issue 16 at 1,000 agents (4 MiB; about 3 minutes on two cores), and at the issue's
 * 64 MiB with 10 and 100 agents (and 1,000 when asked for), run only with {@code -Pscale}; buffer
 * leak tracking is off in that run (the profile's argLine).
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

    /**
     * The 64 MiB at 1,000 agents: 64 GB of copies on the temporary directory's disk and
     * many minutes, so only when asked for with {@code -Dsubnetcast.scale.huge=true} (README, "Scale").
     */
    @Test
    @EnabledIfSystemProperty(named = "subnetcast.scale.huge", matches = "true")
    void sixtyFourMiBAtAThousandAgents() {
        LossyScale.runAndCheck(1000, 64L << 20, dir.resolve("n1000"));
    }
}
