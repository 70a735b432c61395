package io.subnetcast.core.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.subnetcast.core.testing.SampledLeakTracking;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression guard of the many-subnets scenario ({@code LargeScaleSimulationTest} runs 500
 * subnets of 20 with {@code -Pscale}): 20 subnets of 20 agents, starting subnet after subnet, with
 * 1% control loss, in every build.
 */
@ExtendWith(SampledLeakTracking.class)
class TwentySubnetsSimulationTest {
    @TempDir
    Path dir;

    /**
     * Fails without the election's memory of a better claim (Election#recentBestClaim): with this
     * seed, one subnet's worse claimant, whose one beacon from the winner was lost, declared itself
     * elected beside it and fetched the whole package (21x the package for 20 subnets).
     */
    @Test
    void everySubnetElectsOneRepresentativeAndFetchesThePackageOnce() {
        ManySubnetsScenario.Result result = new ManySubnetsScenario(20, 20, 16, 256 * 1024, 100_000_000L).run(dir);
        System.out.println(result.describe());
        assertEquals(20, result.subnetsWithOneRepresentative());
        assertEquals(0, result.foreignLeaders(), "no agent follows another subnet's representative");
        assertEquals(20, result.originDownloads());
        assertEquals(20L * 256 * 1024, result.originBytes(), "the origin serves the package once per subnet");
        assertEquals(400, result.verified());
    }
}
