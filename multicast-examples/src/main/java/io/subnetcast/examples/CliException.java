package io.subnetcast.examples;

/**
 * A failure the command reports as one line with a chosen exit status; thrown by the commands,
 * caught by the execution exception handler of {@link SubnetcastCommand}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode one of {@link ExitCodes}
     * @param message the one-line reason
     */
    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the exit status to end with */
    int exitCode() {
        return exitCode;
    }
}
