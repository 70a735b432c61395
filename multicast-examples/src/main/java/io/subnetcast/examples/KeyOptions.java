package io.subnetcast.examples;

import io.subnetcast.core.engine.DistributionTask;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --key-file} and {@code --encrypt} options of the commands that run agents. */
final class KeyOptions {
    @Option(names = "--key-file", paramLabel = "PATH",
            description = "The task's secret key (16 or 32 bytes, raw or as hex digits), as the management system"
                    + " issued it: every datagram of the task is then authenticated with AES-GCM, forged and replayed"
                    + " ones are dropped, and peers serve blocks only to agents holding the key. Every agent of the"
                    + " task needs the same key.")
    Path keyFile;

    @Option(names = "--encrypt", description = "With --key-file: encrypt the datagrams too (peer repair over HTTP"
            + " stays unencrypted). Every agent of the task must use it or none.")
    boolean encrypt;

    /**
     * @param task a task
     * @return it with the key from the file, if one was given
     * @throws CliException (exit status 2) for --encrypt without a key or an unusable key file
     */
    DistributionTask apply(DistributionTask task) {
        if (encrypt && keyFile == null) {
            throw new CliException(ExitCodes.BAD_INPUT, "--encrypt needs --key-file");
        }
        if (keyFile == null) {
            return task;
        }
        try {
            return task.withKey(Inputs.sessionKey(keyFile), encrypt);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "--key-file: " + Texts.oneLine(e.getMessage()));
        }
    }
}
