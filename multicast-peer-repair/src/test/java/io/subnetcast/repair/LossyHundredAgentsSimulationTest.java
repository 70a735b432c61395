package io.subnetcast.repair;

import io.subnetcast.core.testing.SampledLeakTracking;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression guard of scenario 2 ({@code LargeLossySimulationTest} runs 1,000 agents with
 * {@code -Pscale}): 100 agents, 4 MiB, 2% data loss at every receiver, in every build.
 */
@ExtendWith(SampledLeakTracking.class)
class LossyHundredAgentsSimulationTest {
    @TempDir
    Path dir;

    @Test
    void scatteredLossIsRepairedFromPeersWithoutANakStorm() {
        LossyScale.runAndCheck(100, 4L << 20, dir);
    }
}
