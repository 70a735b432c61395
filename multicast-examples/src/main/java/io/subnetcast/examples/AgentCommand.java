package io.subnetcast.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast agent}: one agent taking part in a task's session on its subnet, the way a
 * distribution agent embeds the library (see {@link SessionRun}), placing the verified package at
 * {@code --out}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Join a task's session on this subnet and place the verified package.",
        description = "Takes part in a task's session on this subnet until FILE holds the verified package and the session"
                + " no longer needs this agent. The agents of a subnet given the same task elect one representative, which"
                + " downloads the package once, waits the start delay, and multicasts it; the others receive it. The"
                + " representative stays through the start delay and its whole multicast pass, whenever its own copy was"
                + " placed, then serves repairs until every member it knows has its copy or no member has reported"
                + " progress for --linger since the end of the pass. A member stays, serving its peers, until the representative reports every member done"
                + " or --linger has passed since it placed its copy. Only --timeout ends an agent sooner. Blocks missed by"
                + " several agents are multicast once more; every other gap is fetched from peers that hold the block (HTTP"
                + " range requests to their block servers), and from the origin only when no peer holds it and no"
                + " representative is alive to supply it. Every block is checked against its SHA-256 before it counts.",
        footer = {"", "Exit status: 0 done; 1 failed; 2 bad input; 3 --timeout passed."})
final class AgentCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to place the verified package; its directory must exist.")
    private Path out;

    @Mixin
    private SessionOptions options;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    AgentCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        Path file = Locations.requireWritableFile(out, "--out");
        return new SessionRun(spec, environment, options).run(file);
    }
}
