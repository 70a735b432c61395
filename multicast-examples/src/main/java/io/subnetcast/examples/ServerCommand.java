package io.subnetcast.examples;

import io.subnetcast.deploy.server.ApiTokens;
import io.subnetcast.deploy.server.DeploymentApi;
import io.subnetcast.deploy.server.DeploymentServer;
import io.subnetcast.deploy.store.DeploymentStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code subnetcast server}: the deployment server. Its whole state is in an SQLite database in
 * the data directory, so it may be stopped (or killed) and started again at any time.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Run the deployment server (pilot, waves, pause and resume, progress per platform).",
        description = "Serves the deployment JSON API until SIGINT or SIGTERM. Admins create, pause, resume and watch"
                + " deployments with 'subnetcast deploy' (admin token); agent daemons ask for offers and report with the"
                + " fleet token. Every change is committed to DIR/deployments.db before it is answered.",
        footer = {"", "Exit status: 0 stopped by a signal; 1 failed; 2 bad input (directory, token file, address, port in use)."})
final class ServerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Directory of the server's database (created if missing).")
    private Path dataDir;

    @Option(names = "--port", required = true, paramLabel = "PORT", converter = Converters.ListenPortConverter.class,
            description = "TCP port to listen on; 0 picks a free one (printed at start).")
    private int port;

    @Option(names = "--bind", paramLabel = "ADDR", converter = Converters.AddressConverter.class, defaultValue = "0.0.0.0",
            description = "IP address to listen on. Default: ${DEFAULT-VALUE} (every interface).")
    private InetAddress bind;

    @Option(names = "--admin-token-file", required = true, paramLabel = "FILE",
            description = "File whose first line is the admin token (16-512 printable characters): it allows changes.")
    private Path adminTokenFile;

    @Option(names = "--fleet-token-file", required = true, paramLabel = "FILE",
            description = "File whose first line is the fleet token, which agents present.")
    private Path fleetTokenFile;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    ServerCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        ApiTokens tokens;
        try {
            tokens = new ApiTokens(ApiTokens.read(adminTokenFile), ApiTokens.read(fleetTokenFile));
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot read a token file: " + Errors.describe(e));
        }
        DeploymentStore store;
        try {
            store = DeploymentStore.openSqlite(dataDir);
        } catch (IOException | SQLException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot open the database in " + dataDir + ": " + Errors.describe(e));
        }
        DeploymentServer server;
        try {
            server = DeploymentServer.start(new DeploymentApi(store, tokens, System::currentTimeMillis),
                    new InetSocketAddress(bind, port));
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot listen on " + bind.getHostAddress() + ":" + port + ": "
                    + Errors.describe(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = environment.handleSignals() ? Signals.onShutdown(() -> {
            environment.stop().complete(null);
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }) : null;
        try {
            InetSocketAddress bound = server.address();
            out.println("deployment server on http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                    + "/ with its database in " + dataDir.toAbsolutePath() + " (stop with Ctrl-C)");
            out.flush();
            environment.stop().get();
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.FAILED, Errors.describe(e));
        } finally {
            server.close();
            stopped.countDown();
            Signals.remove(hook);
        }
        return ExitCodes.OK;
    }
}
