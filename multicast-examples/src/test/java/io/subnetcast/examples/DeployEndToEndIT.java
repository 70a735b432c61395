package io.subnetcast.examples;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/e2e/deploy-e2e.sh}: the deployment server, the origin and eight agent
 * daemons on two namespace subnets (Windows, macOS and Linux mixed), each a separate process. A
 * pilot, two waves with a pause between them, the retry rules per platform, the server killed with
 * SIGKILL twice, a newer release reaching every device, and the origin serving each version once
 * per subnet. Skipped where network namespaces cannot be created.
 */
class DeployEndToEndIT {
    @Test
    void pilotWavesPauseRetryRulesServerKillAndANewerReleaseWithOneOriginFetchPerVersionAndSubnet() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "deploy-e2e.sh"), "deploy-e2e: PASS", 300, Map.of());
    }

    /** The same with every process on Netty's NIO transport (the one Windows and macOS run): about 100 s. */
    @Test
    void theSameOnNettysNioTransport() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "deploy-e2e.sh"), "deploy-e2e: PASS", 300,
                Map.of("E2E_JAVA_OPTS", NamespaceScript.NIO_JAVA_OPTS));
    }
}
