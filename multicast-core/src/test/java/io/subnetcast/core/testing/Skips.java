package io.subnetcast.core.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A test that cannot run here (no root for namespaces, tmpfs or tc; a missing tool) skips itself,
 * saying why: on a developer's laptop that is right. On CI, a root Debian VM, every such test can
 * run, and a quiet skip would hide a test that never ran; there {@code .ci/run} sets the
 * environment variable {@value #STRICT} to {@code 1}, and the same condition fails the build.
 */
public final class Skips {
    /** The environment variable that turns skips into failures. */
    public static final String STRICT = "SUBNETCAST_NO_SKIPS";

    private Skips() {
    }

    /** @return whether skips fail the build here */
    public static boolean strict() {
        return "1".equals(System.getenv(STRICT));
    }

    /**
     * Skips the test unless the condition holds; with {@value #STRICT}=1 fails it instead.
     *
     * @param condition what the test needs
     * @param why what is missing, for the report
     */
    public static void unless(boolean condition, String why) {
        if (condition) {
            return;
        }
        if (strict()) {
            Assertions.fail(why + " (" + STRICT + "=1: this test must run here)");
        }
        System.out.println("SKIPPED: " + why);
        Assumptions.abort(why);
    }
}
