package io.subnetcast.examples;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/e2e/namespace-e2e.sh} against the shaded jar: two subnets of three hosts
 * in network namespaces, one agent process per host, the origin in a namespace of its own. Runs
 * in the {@code integration-test} phase (failsafe), after {@code package} built the jar.
 *
 * <p>Skipped only where {@code ip netns add} is not permitted (no root); everywhere else a
 * failing script fails the build.
 */
class NamespaceEndToEndIT {
    @Test
    void sixHostsOnTwoSubnetsGetVerifiedCopiesWithOneOriginFetchPerSubnet() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "namespace-e2e.sh"), "namespace-e2e: PASS", 240, Map.of());
    }
}
