package io.subnetcast.examples;

import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        footer = {"", "Daemon form: subnetcast agent --server URL --token-file F --device-id ID --platform OS"
                + " --interface IF [--product NAME]... [--install-command CMD] [--poll 5m] [--state-dir DIR] [--cache-dir DIR] [--start-delay D]",
            "", "Exit status: 0 done (the daemon: stopped by a signal); 1 failed; 2 bad input; 3 --timeout passed."})
final class AgentCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to place the verified package; its directory must exist. Required, except for the daemon.")
    private Path out;

    @Mixin
    private SessionOptions options;

    @Option(names = "--server", paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "Run as a daemon of this deployment server (see 'subnetcast server'): poll it for offers, install"
                    + " them through the session on this subnet, report. Then --task, --url and --out are not given.")
    private URI server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Daemon: file whose first line is the fleet token.")
    private Path tokenFile;

    @Option(names = "--device-id", paramLabel = "ID", description = "Daemon: this device's id, unique in the fleet.")
    private String deviceId;

    @Option(names = "--platform", paramLabel = "OS", description = "Daemon: windows, macos or linux.")
    private String platform;

    @Option(names = "--product", paramLabel = "NAME", description = "Daemon: a product this device installs; repeatable. Default: every product the server"
                    + " deploys for this device's platform.")
    private List<String> products = new ArrayList<>();

    @Option(names = "--install-command", paramLabel = "CMD",
            description = "Daemon: run CMD (through /bin/sh; cmd on Windows) with the placed file as its last argument and"
                    + " SUBNETCAST_PRODUCT and SUBNETCAST_VERSION in its environment; exit status 0 means installed."
                    + " Default: placing the verified file is the install.")
    private String installCommand;

    @Option(names = "--poll", paramLabel = "DURATION", converter = Converters.DurationConverter.class, defaultValue = "5m",
            description = "Daemon: how often to ask the server (with 20%% jitter). Default: ${DEFAULT-VALUE}.")
    private Duration poll;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Daemon: where its state (installed versions, jobs, unsent reports) and placed packages live."
                    + " Default: Linux $XDG_STATE_HOME/subnetcast or ~/.local/state/subnetcast; macOS ~/Library/Application"
                    + " Support/subnetcast; Windows %%LOCALAPPDATA%%\\subnetcast\\state. A Windows service should pass"
                    + " a directory under %%ProgramData%%.")
    private Path stateDir;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    AgentCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (server != null) {
            return runDaemon();
        }
        if (out == null) {
            throw new CliException(ExitCodes.BAD_INPUT, "Missing required option: '--out=FILE' (or --server for the daemon)");
        }
        Path file = Locations.requireWritableFile(out, "--out");
        return new SessionRun(spec, environment, options).run(file);
    }

    private int runDaemon() throws IOException, InterruptedException {
        if (out != null || options.taskId != null || options.url != null) {
            throw new CliException(ExitCodes.BAD_INPUT, "--server runs the daemon, which takes its tasks from the server:"
                    + " leave out --task, --url and --out");
        }
        if (!options.basis.isEmpty()) {
            throw new CliException(ExitCodes.BAD_INPUT, "--basis is for one agent's task: the daemon (--server) takes as"
                    + " basis the release of the product it installed before, for releases with a trusted manifest");
        }
        if (tokenFile == null || deviceId == null || platform == null) {
            throw new CliException(ExitCodes.BAD_INPUT, "the daemon (--server) needs --token-file, --device-id and --platform");
        }
        Platform os;
        try {
            io.subnetcast.deploy.model.Inputs.name("--device-id", deviceId);
            products.forEach(p -> io.subnetcast.deploy.model.Inputs.name("--product", p));
            os = Platform.parse(platform);
        } catch (InvalidInputException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        if (poll.compareTo(Duration.ofMillis(100)) < 0) {
            throw new CliException(ExitCodes.BAD_INPUT, "--poll must be at least 100ms");
        }
        ServerClient client = new ServerClient(server, tokenFile);
        Path state = Locations.requireWritableDirectory(stateDir != null ? stateDir : Locations.defaultStateDirectory(),
                "--state-dir");
        SubnetcastEngine engine = options.openEngine(options.cache());
        Thread hook = environment.handleSignals() ? Signals.onShutdown(() -> environment.stop().complete(null)) : null;
        try (engine) {
            new AgentDaemon(client, deviceId, os, List.copyOf(products), engine, state, installCommand, poll,
                    spec.commandLine().getErr()).run(environment.stop());
        } finally {
            Signals.remove(hook);
        }
        return ExitCodes.OK;
    }
}
