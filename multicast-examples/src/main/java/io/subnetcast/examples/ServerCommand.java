package io.subnetcast.examples;

import io.subnetcast.deploy.model.InvalidInputException;
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
 * {@code subnetcast server}: the deployment server. Its whole state is in its database (SQLite in
 * the data directory, or PostgreSQL by JDBC URL), so it may be stopped (or killed) and started
 * again at any time, and several instances may share one PostgreSQL database.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Run the deployment server (pilot, waves, pause and resume, progress per platform).",
        description = "Serves the deployment JSON API until SIGINT or SIGTERM. Admins create, pause, resume and watch"
                + " deployments with 'subnetcast deploy' (admin token); agent daemons ask for offers and report with the"
                + " fleet token. Every change is committed to the database before it is answered: SQLite in"
                + " DIR/deployments.db, or PostgreSQL with --database. The server keeps no state outside its database,"
                + " so several instances may share one PostgreSQL database (behind one load balancer, say).",
        footer = {"", "Exit status: 0 stopped by a signal; 1 failed (the database cannot be reached); 2 bad input (directory,"
                + " database URL or login, token file, address, port in use)."})
final class ServerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the server's SQLite database, deployments.db (created if missing). Needed unless"
                    + " --database is given.")
    private Path dataDir;

    @Option(names = "--database", paramLabel = "JDBC_URL",
            description = "The database instead of --data-dir (its tables are created if missing):%n"
                    + "jdbc:postgresql://HOST:PORT/DATABASE, which several server instances may share, or%n"
                    + "jdbc:sqlite:FILE.%nDefault: SQLite, DIR/deployments.db.")
    private String database;

    @Option(names = "--database-user", paramLabel = "NAME", description = "PostgreSQL user (default: the driver's, the"
            + " system user name).")
    private String databaseUser;

    @Option(names = "--database-password-file", paramLabel = "FILE",
            description = "File whose first line is the PostgreSQL user's password (never give it on the command line).")
    private Path databasePasswordFile;

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
        DeploymentStore store = openStore();
        DeploymentServer server;
        try {
            server = DeploymentServer.start(new DeploymentApi(store, tokens, System::currentTimeMillis),
                    new InetSocketAddress(bind, port));
        } catch (RuntimeException e) {
            store.close();
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
                    + "/ with its database " + where() + " (stop with Ctrl-C)");
            out.flush();
            environment.stop().get();
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.FAILED, Errors.describe(e));
        } finally {
            server.close();
            store.close();
            stopped.countDown();
            Signals.remove(hook);
        }
        return ExitCodes.OK;
    }

    private DeploymentStore openStore() {
        if ((dataDir == null) == (database == null)) {
            throw new CliException(ExitCodes.BAD_INPUT, "give either --data-dir DIR (SQLite) or --database JDBC_URL");
        }
        boolean postgres = database != null && database.startsWith("jdbc:postgresql:");
        if (!postgres && (databaseUser != null || databasePasswordFile != null)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--database-user and --database-password-file are for a"
                    + " jdbc:postgresql: --database");
        }
        String password = null;
        if (databasePasswordFile != null) {
            try {
                password = ApiTokens.read(databasePasswordFile);
            } catch (IOException e) {
                throw new CliException(ExitCodes.BAD_INPUT, "cannot read the database password file: " + Errors.describe(e));
            }
        }
        try {
            return database == null ? DeploymentStore.openSqlite(dataDir) : DeploymentStore.open(database, databaseUser, password);
        } catch (InvalidInputException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        } catch (SQLException e) {
            // 08001 and 08006: no connection (down, unreachable, refused), which may pass; the rest is the input.
            boolean unreachable = "08001".equals(e.getSQLState()) || "08006".equals(e.getSQLState());
            throw new CliException(unreachable ? ExitCodes.FAILED : ExitCodes.BAD_INPUT, "cannot open the database "
                    + where() + ": " + Errors.describe(e));
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot open the database " + where() + ": " + Errors.describe(e));
        }
    }

    /** @return where the database is, without what may hold a secret (a URL's user info and parameters) */
    private String where() {
        return database == null ? "in " + dataDir.toAbsolutePath()
                : "at " + database.replaceFirst("//[^/?@]*@", "//").replaceFirst("\\?.*$", "");
    }
}
