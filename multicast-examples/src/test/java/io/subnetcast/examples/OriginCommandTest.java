package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class OriginCommandTest {
    private static final Pattern SERVING = Pattern.compile("serving .* on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void servesRangesAndLogsEveryRequestWithItsBytesUntilStopped() throws Exception {
        Files.write(dir.resolve("pkg.bin"), new byte[10_000]);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = CliEnvironment.inProcess();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> SubnetcastCommand.newCommandLine(
                new PrintWriter(out, true), new PrintWriter(err, true), environment)
                .execute("origin", "--dir", dir.toString(), "--bind", "127.0.0.1", "--port", "0"));
        int port = awaitPort(out);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> ranged = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pkg.bin"))
                .header("Range", "bytes=100-1099").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, ranged.statusCode());
        assertEquals(1000, ranged.body().length);
        HttpResponse<byte[]> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nope"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(404, missing.statusCode());

        environment.stop().complete(null);
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        String log = out.toString();
        assertTrue(log.contains(" GET \"/pkg.bin\" 206 range=\"bytes=100-1099\" body_bytes=1000 complete=true"), log);
        assertTrue(log.contains(" GET \"/nope\" 404 "), log);
        assertTrue(log.contains("stopped: served 2 requests, "), log);
        assertEquals("", err.toString());
    }

    private static int awaitPort(StringWriter out) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Matcher m = SERVING.matcher(out.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the origin did not say where it serves: " + out);
    }

    @Test
    void missingDirectory() {
        Cli.run("origin", "--dir", dir.resolve("absent").toString(), "--port", "0").assertOneLineError("is not a directory");
    }

    @Test
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.run("origin", "--dir", dir.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()))
                    .assertOneLineError("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void badBindAddressAndPort() {
        Cli.run("origin", "--dir", dir.toString(), "--bind", "localhost", "--port", "0")
                .assertOneLineError("is not an IP address (names are not looked up)");
        Cli.run("origin", "--dir", dir.toString(), "--port", "70000").assertOneLineError("is not a port from 1 to 65535");
    }
}
