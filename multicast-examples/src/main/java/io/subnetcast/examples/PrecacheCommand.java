package io.subnetcast.examples;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast precache}: takes part in the task's session exactly like {@code agent} (one
 * download per subnet, multicast, repair) but keeps the verified package in the block cache instead
 * of placing it, so that a later {@code agent} (or an installer reading the cache) finds it there.
 */
@Command(name = "precache", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Fetch a task's package into the block cache only, through the subnet's session.",
        description = "Copies a task's package to the local distribution cache without placing it anywhere else. It takes"
                + " part in the task's session on this subnet like 'agent': the agents given the same task elect one"
                + " representative, which downloads the package once and multicasts it, so ten machines pre-caching a"
                + " package cost the origin one download, not ten. Blocks already cached are not fetched again. The cached"
                + " package is checked against --sha256 (a mismatch discards it). An agent started later with the same"
                + " --task, --sha256 (or none) and --cache-dir finds every block there and, if elected, multicasts it"
                + " without the origin. Leaves the session as 'agent' does: when its members no longer need it.",
        footer = {"", "Exit status: 0 cached; 1 failed; 2 bad input; 3 --timeout passed."})
final class PrecacheCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private SessionOptions options;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    PrecacheCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        return new SessionRun(spec, environment, options).run(null);
    }
}
