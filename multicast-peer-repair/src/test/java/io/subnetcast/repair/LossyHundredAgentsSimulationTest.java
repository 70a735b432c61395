package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.scale.LossySubnetScenario;
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

    /**
     * The experiment {@code SessionConfig.parityBeforePeers}: members ask for parity of their
     * scattered gaps before peers fetch them, and one multicast burst stands for a hundred members'
     * unicast fetches.
     */
    @Test
    void withParityBeforePeersOneParityBurstRepairsEveryMember() {
        LossySubnetScenario.Result result = new LossySubnetScenario(100, 16, 0.02, 4L << 20, LossyScale::peerRepair,
                config -> config.parityBeforePeers(true)).run(dir);
        System.out.println(result.describe());
        assertEquals(100, result.verified(), "every copy verified");
        assertTrue(result.peerRepairBytes() < result.lostDataBytes() / 10, "peers served " + result.peerRepairBytes());
        assertTrue(result.retransmittedBytes() < result.lostDataBytes() / 10, "parity " + result.retransmittedBytes());
        assertTrue(result.mentionsPerMissingBlock() <= 2, result.mentionsPerMissingBlock() + " NAKs per block");
    }

    /**
     * With an advert budget of 5 a second, 100 agents advertise every 10 to 30 s, as 1,000 do at the
     * default budget: the representative's advert that it holds the blocks must not wait that long,
     * or every member's repair does (600 agents at the default budget took 18.0 s instead of 7.1 s).
     */
    @Test
    void theRepresentativesAdvertsAreNotStretchedWithTheSession() {
        LossySubnetScenario.Result result = new LossySubnetScenario(100, 16, 0.02, 4L << 20, LossyScale::peerRepair,
                config -> config.advertsPerSecond(5)).run(dir);
        System.out.println(result.describe());
        assertEquals(100, result.verified(), "every copy verified");
        assertTrue(result.completeNs() < 10_000_000_000L, "the last copy " + result.completeNs() / 1e9 + " s in");
    }
}
