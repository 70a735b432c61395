package io.subnetcast.core.serve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.subnetcast.core.testing.Skips;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS: the body goes through ChunkedWriteHandler as raw buffers, still framed by Content-Length. */
class FileServerTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    /** Several TLS chunks, and not a multiple of the chunk size. */
    private static final int SIZE = 300_001;

    @TempDir
    Path root;
    @TempDir
    Path keys;
    private ServerFixture fixture;
    private HttpClient client;
    private SSLContext clientContext;
    private byte[] content;

    @BeforeEach
    void start() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Skips.unless(Files.isExecutable(keytool), "keytool is not available");
        Path keystore = keys.resolve("server.p12");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt")
                .redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
            assertEquals(0, process.exitValue(), () -> new String(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD);
        SslContext serverContext = SslContextBuilder.forServer(keyManagers).build();

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", store.getCertificate("server"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientContext)
                .connectTimeout(Duration.ofSeconds(10)).build();

        fixture = new ServerFixture(root, "https", b -> b.sslContext(serverContext));
        content = fixture.createFile("secure.bin", SIZE);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private HttpResponse<byte[]> get(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fixture.uri("/secure.bin")).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertFalse(response.headers().firstValue("transfer-encoding").isPresent());
        assertEquals(List.of(String.valueOf(response.body().length)), response.headers().allValues("content-length"));
        return response;
    }

    @Test
    void wholeFileOverTls() throws Exception {
        HttpResponse<byte[]> response = get();
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
        await().until(() -> fixture.served.size() == 1);
        assertEquals(SIZE, fixture.served.get(0).bodyBytes());
    }

    @Test
    void rangeOverTlsOnAKeptAliveConnection() throws Exception {
        HttpResponse<byte[]> first = get("Range", "bytes=65530-200000");
        assertEquals(206, first.statusCode());
        assertArrayEquals(Arrays.copyOfRange(content, 65_530, 200_001), first.body());
        HttpResponse<byte[]> second = get("Range", "bytes=-7");
        assertArrayEquals(Arrays.copyOfRange(content, SIZE - 7, SIZE), second.body());
        await().until(() -> fixture.served.size() == 2);
        assertEquals(fixture.served.get(0).connectionId(), fixture.served.get(1).connectionId());
    }

    @Test
    void connectionCloseEndsTheTlsSessionAfterTheResponse() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(
                clientContext.getSocketFactory().createSocket("127.0.0.1", fixture.address.getPort()))) {
            RawHttpConnection.RawResponse first = connection.request("GET", "/secure.bin", "Range: bytes=0-9");
            assertArrayEquals(Arrays.copyOf(content, 10), first.body());
            RawHttpConnection.RawResponse last = connection.request("GET", "/secure.bin", "Connection: close");
            assertEquals("close", last.header("connection"));
            assertArrayEquals(content, last.body());
            assertTrue(connection.closedByPeer());
        }
        await().until(() -> fixture.served.size() == 2);
        assertTrue(fixture.served.get(1).complete());
    }
}
