package io.subnetcast.examples;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/e2e/namespace-e2e.sh} against the shaded jar: two subnets of three hosts
 * in network namespaces, one agent process per host, the origin in a namespace of its own. Runs
 * in the {@code integration-test} phase (failsafe), after {@code package} built the jar.
 *
 * <p>A second run does the same on Netty's NIO transport.
 *
 * <p>Skipped only where {@code ip netns add} is not permitted (no root); everywhere else a
 * failing script fails the build.
 */
class NamespaceEndToEndIT {
    @Test
    void sixHostsOnTwoSubnetsGetVerifiedCopiesWithOneOriginFetchPerSubnet() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "namespace-e2e.sh"), "namespace-e2e: PASS", 240, Map.of());
    }

    /**
     * The same LAN with every process on Netty's NIO transport, the one Windows and macOS run
     * (noNative makes epoll report itself unavailable). Short start delay and linger: the default
     * run above covers the command's own timing; this one the transport, in about 20 s.
     */
    @Test
    void theSameOnNettysNioTransport() throws Exception {
        NamespaceScript.run(Path.of("src", "test", "e2e", "namespace-e2e.sh"), "namespace-e2e: PASS", 240, Map.of(
                "E2E_JAVA_OPTS", NamespaceScript.NIO_JAVA_OPTS,
                "E2E_START_DELAY", "5s", "E2E_LINGER", "5s"));
    }
}
