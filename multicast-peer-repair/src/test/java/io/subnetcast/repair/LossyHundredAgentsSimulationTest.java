package io.subnetcast.repair;

import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression guard of scenario 2 ({@code LargeLossySimulationTest} runs 1,000 agents with
 * {@code -Pscale}): 100 agents, 4 MiB, 2% data loss at every receiver, in every build.
 */
class LossyHundredAgentsSimulationTest {
    @TempDir
    Path dir;
    private ResourceLeakDetector.Level leakLevel;

    // Paranoid tracking of the run's half a million datagram copies costs more than the run;
    // sampled tracking still reports a leak, and the smaller simulations track every buffer.
    @BeforeEach
    void sampleLeaks() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void restoreLeakTracking() {
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @Test
    void scatteredLossIsRepairedFromPeersWithoutANakStorm() {
        LossyScale.runAndCheck(100, 4L << 20, dir);
    }
}
