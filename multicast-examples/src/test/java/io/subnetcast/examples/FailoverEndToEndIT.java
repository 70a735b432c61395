package io.subnetcast.examples;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/e2e/failover-e2e.sh}: five agent processes on one namespace subnet, each
 * losing 5% of what it receives; the representative is killed with SIGKILL once its pass is past 60%
 * of the package (by its own progress line, so between 60% and about 75%). The
 * survivors must end with verified copies, one successor, no member fetching from the origin, and
 * at most 1.5x the package served by the origin. Skipped where network namespaces cannot be created.
 */
class FailoverEndToEndIT {
    @Test
    void representativeKilledMidPassUnderLossCostsTheOriginAtMostOneAndAHalfPackages() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "failover-e2e.sh"), "failover-e2e: PASS", 240, Map.of());
    }

    /** The same on Netty's NIO transport (the one Windows and macOS run): about 40 s. */
    @Test
    void theSameOnNettysNioTransport() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "failover-e2e.sh"), "failover-e2e: PASS", 240,
                Map.of("E2E_JAVA_OPTS", NamespaceScript.NIO_JAVA_OPTS));
    }
}
