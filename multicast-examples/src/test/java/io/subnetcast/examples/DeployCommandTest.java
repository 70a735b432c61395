package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.testing.Skips;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code subnetcast server} and {@code subnetcast deploy} in-process, over loopback HTTP. */
class DeployCommandTest {
    private static final Pattern LISTENING = Pattern.compile("deployment server on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void anAdminCreatesPausesResumesAndWatchesADeployment() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin"), "admin-token-for-tests-1\n");
        Path fleet = Files.writeString(dir.resolve("fleet"), "fleet-token-for-tests-1\n");
        StringWriter out = new StringWriter();
        CliEnvironment environment = CliEnvironment.inProcess();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> SubnetcastCommand.newCommandLine(
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), environment)
                .execute("server", "--data-dir", dir.resolve("data").toString(), "--bind", "127.0.0.1", "--port", "0",
                        "--admin-token-file", admin.toString(), "--fleet-token-file", fleet.toString()));
        String server = "http://127.0.0.1:" + awaitPort(out);
        String[] common = {"--server", server, "--token-file", admin.toString(), "--product", "app"};

        Cli.Result created = Cli.run(concat(new String[] {"deploy", "create"}, common, "--version", "1.2.0",
                "--artifact", "windows=http://origin/app.msi#" + SHA, "--artifact", "linux=http://origin/app.tgz#" + SHA,
                "--pilot", "dev-1,dev-2", "--waves", "50%@+1h,100%@+2h", "--success-gate", "80", "--halt-on-failures", "20@10"));
        assertEquals(0, created.exitCode(), created.err());
        assertTrue(created.out().contains("created app-1.2.0: app 1.2.0 is running, sealed, offered to 2 pilot device(s)"), created.out());

        Cli.Result status = Cli.run(concat(new String[] {"deploy", "status"}, common));
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("app 1.2.0: running, waves open 0 of 2"), status.out());
        assertTrue(status.out().contains("windows  [------------------------------] 0/0 installed"), status.out());

        assertTrue(Cli.run(concat(new String[] {"deploy", "pause"}, common)).out().contains("app-1.2.0 is paused"));
        Cli.Result json = Cli.run(concat(new String[] {"deploy", "status"}, common, "--json"));
        assertTrue(json.out().contains("\"state\":\"paused\"") && json.out().contains("\"linux\":{\"targeted\":0"), json.out());
        assertTrue(Cli.run(concat(new String[] {"deploy", "resume"}, common)).out().contains("app-1.2.0 is running"));

        Cli.run(concat(new String[] {"deploy", "create"}, common, "--version", "1.1", "--artifact", "linux=http://o/a#" + SHA))
                .assertOneLineError("the server refused (400): app 1.1 is not newer than 1.2.0, already deployed");
        Cli.run(concat(new String[] {"deploy", "create"}, common, "--version", "2", "--artifact", "linux=http://o/a#" + SHA,
                "--waves", "50%@+1d")).assertOneLineError("the last wave must reach 100%");
        Cli.run("deploy", "status", "--server", server, "--token-file", fleet.toString(), "--product", "app")
                .assertOneLineError("needs the admin token");
        Cli.run(concat(new String[] {"deploy", "status"}, common, "--version", "9.9")).assertOneLineError("no deployment of app 9.9");

        environment.stop().complete(null);
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void badTokenFilesAndUnreachableServersAreOneLine() throws Exception {
        Path shortToken = Files.writeString(dir.resolve("short"), "abc");
        Path fleet = Files.writeString(dir.resolve("fleet"), "fleet-token-for-tests-1");
        Cli.run("server", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--admin-token-file",
                shortToken.toString(), "--fleet-token-file", fleet.toString()).assertOneLineError("admin token must be 16-512");
        Cli.run("server", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--admin-token-file",
                dir.resolve("absent").toString(), "--fleet-token-file", fleet.toString()).assertOneLineError("cannot read a token file");
        Cli.run("deploy", "status", "--server", "http://127.0.0.1:1", "--token-file", fleet.toString(), "--product", "app")
                .assertOneLineError("cannot be reached");
    }

    @Test
    void badDatabaseOptionsAreOneLine() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin"), "admin-token-for-tests-1\n");
        Path fleet = Files.writeString(dir.resolve("fleet"), "fleet-token-for-tests-1\n");
        String[] tokens = {"server", "--port", "0", "--bind", "127.0.0.1", "--admin-token-file", admin.toString(),
            "--fleet-token-file", fleet.toString()};
        Cli.run(tokens).assertOneLineError("give either --data-dir DIR (SQLite) or --database JDBC_URL");
        Cli.run(concat(tokens, new String[] {"--data-dir", dir.toString()}, "--database", "jdbc:sqlite:x.db"))
                .assertOneLineError("give either --data-dir DIR (SQLite) or --database JDBC_URL");
        Cli.Result mysql = Cli.run(concat(tokens, new String[] {"--database", "jdbc:mysql://db/x?password=hunter2"}))
                .assertOneLineError("database URL must start with jdbc:sqlite: or jdbc:postgresql:, not 'jdbc:mysql:'");
        assertFalse(mysql.err().contains("hunter2"), mysql.err());
        Cli.run(concat(tokens, new String[] {"--data-dir", dir.toString()}, "--database-user", "u"))
                .assertOneLineError("--database-user and --database-password-file are for a jdbc:postgresql: --database");
        Cli.run(concat(tokens, new String[] {"--database", "jdbc:postgresql://127.0.0.1:1/x?password=hunter2"},
                "--database-password-file", dir.resolve("absent").toString()))
                .assertOneLineError("cannot read the database password file");
        Cli.Result refused = Cli.run(concat(tokens, new String[] {"--database", "jdbc:postgresql://127.0.0.1:1/x?password=hunter2"}))
                .assertOneLineError("cannot open the database at jdbc:postgresql://127.0.0.1:1/x: Connection to 127.0.0.1:1 refused");
        assertEquals(ExitCodes.FAILED, refused.exitCode(), "unreachable is a failure that may pass, not bad input");
        assertFalse(refused.err().contains("hunter2"), refused.err());
    }

    /**
     * Two servers on one PostgreSQL database (a fresh schema in the one {@code .ci/run} starts), the
     * password read from a file: what an admin creates through one, the other serves.
     */
    @Test
    @Timeout(60)
    void twoServersShareOnePostgresqlDatabase() throws Exception {
        String base = System.getenv("SUBNETCAST_POSTGRES_URL");
        Skips.unless(base != null && !base.isEmpty(), "SUBNETCAST_POSTGRES_URL is not set: no PostgreSQL database to test on");
        String user = System.getenv("SUBNETCAST_POSTGRES_USER");
        String password = System.getenv("SUBNETCAST_POSTGRES_PASSWORD");
        String schema = "test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        Path admin = Files.writeString(dir.resolve("admin"), "admin-token-for-tests-1\n");
        Path fleet = Files.writeString(dir.resolve("fleet"), "fleet-token-for-tests-1\n");
        Path passwordFile = Files.writeString(dir.resolve("db-password"), (password == null ? "" : password) + "\n");
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        List<CliEnvironment> environments = List.of(CliEnvironment.inProcess(), CliEnvironment.inProcess());
        List<CompletableFuture<Integer>> exits = new ArrayList<>();
        try {
            List<String> servers = new ArrayList<>();
            for (CliEnvironment environment : environments) {
                StringWriter out = new StringWriter();
                List<String> args = new ArrayList<>(List.of("server", "--database", url, "--bind", "127.0.0.1", "--port", "0",
                        "--admin-token-file", admin.toString(), "--fleet-token-file", fleet.toString(),
                        "--database-password-file", passwordFile.toString()));
                if (user != null) {
                    args.addAll(List.of("--database-user", user));
                }
                exits.add(CompletableFuture.supplyAsync(() -> SubnetcastCommand.newCommandLine(new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true), environment).execute(args.toArray(String[]::new))));
                servers.add("http://127.0.0.1:" + awaitPort(out));
                assertFalse(out.toString().contains("currentSchema"), "the URL's parameters are not shown: " + out);
            }
            Cli.Result created = Cli.run("deploy", "create", "--server", servers.get(0), "--token-file", admin.toString(),
                    "--product", "app", "--version", "1.0", "--artifact", "linux=http://origin/app.tgz#" + SHA);
            assertEquals(0, created.exitCode(), created.err());
            Cli.Result status = Cli.run("deploy", "status", "--server", servers.get(1), "--token-file", admin.toString(),
                    "--product", "app");
            assertTrue(status.out().contains("app 1.0: running"), status.out() + status.err());
        } finally {
            environments.forEach(e -> e.stop().complete(null));
            for (CompletableFuture<Integer> exit : exits) {
                assertEquals(0, exit.get(10, TimeUnit.SECONDS));
            }
            try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static String[] concat(String[] head, String[] common, String... tail) {
        String[] all = new String[head.length + common.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(common, 0, all, head.length, common.length);
        System.arraycopy(tail, 0, all, head.length + common.length, tail.length);
        return all;
    }

    private static int awaitPort(StringWriter out) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Matcher m = LISTENING.matcher(out.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the server did not say where it listens: " + out);
    }
}
