package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command in-process, as {@code main} would, and captures what it prints. */
final class Cli {
    private Cli() {
    }

    /**
     * What one run printed and returned.
     *
     * @param exitCode the exit status
     * @param out stdout
     * @param err stderr
     */
    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        /** Asserts the contract for bad input: non-zero, one line on stderr naming it, no stack trace. */
        Result assertOneLineError(String expected) {
            assertNotEquals(0, exitCode, "exit status; stderr: " + err);
            assertEquals(1, errLines().size(), "one line on stderr, got:\n" + err);
            assertTrue(err.contains(expected), "stderr should say '" + expected + "': " + err);
            assertFalse(err.contains("\tat ") || err.contains("Caused by:"), "no stack trace: " + err);
            assertEquals("", out, "nothing on stdout");
            return this;
        }
    }

    static Result run(String... args) {
        return run(CliEnvironment.inProcess(), args);
    }

    static Result run(CliEnvironment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SubnetcastCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), environment, args)
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
