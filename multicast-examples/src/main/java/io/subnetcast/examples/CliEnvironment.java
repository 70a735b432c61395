package io.subnetcast.examples;

import java.util.concurrent.CompletableFuture;

/**
 * What the commands need from the process they run in, so that tests can run them in-process.
 *
 * @param terminal whether stderr is a terminal: a progress bar then, plain lines otherwise
 * @param handleSignals whether to react to SIGINT/SIGTERM with a shutdown hook (only in
 *     {@link SubnetcastCommand#main}: a hook left behind in a test JVM would outlive the test)
 * @param stop completed to stop a long-running command (the origin server) without a signal
 */
record CliEnvironment(boolean terminal, boolean handleSignals, CompletableFuture<Void> stop) {
    /** @return an environment for in-process use: no terminal, no signal handling */
    static CliEnvironment inProcess() {
        return new CliEnvironment(false, false, new CompletableFuture<>());
    }
}
