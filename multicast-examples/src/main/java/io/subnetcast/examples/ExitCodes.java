package io.subnetcast.examples;

/** The exit statuses of the command, listed in its help. */
final class ExitCodes {
    /** Done: the package is in place and verified, or the server stopped on a signal. */
    static final int OK = 0;
    /** The run failed: origin unreachable, verification failed, a copy missing, ... */
    static final int FAILED = 1;
    /** Bad input: an option, interface, address, URL, hash or path that cannot work. */
    static final int BAD_INPUT = 2;
    /** {@code --timeout} passed before the work was done. */
    static final int TIMED_OUT = 3;

    private ExitCodes() {
    }
}
