package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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
