package io.subnetcast.examples;

import picocli.CommandLine.Option;

/** The {@code --verbose} option every command has. */
final class VerboseOption {
    @Option(names = {"-v", "--verbose"},
            description = "Log the library's progress (INFO) and show the stack trace of a failure.")
    boolean verbose;
}
