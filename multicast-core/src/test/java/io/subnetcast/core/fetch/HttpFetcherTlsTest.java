package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https: a trusted self-signed certificate works, the JDK trust store rejects it, names are verified. */
class HttpFetcherTlsTest {
    private static final int LENGTH = 100_000;

    @TempDir
    static Path keys;
    private static KeyStore good;
    private static KeyStore wrongName;

    private TestHttpServer tlsServer;

    @BeforeAll
    static void generateKeys() throws Exception {
        good = TestKeystores.generate(keys.resolve("good.p12"), "ip:127.0.0.1,dns:localhost");
        wrongName = TestKeystores.generate(keys.resolve("wrong.p12"), "dns:other.invalid");
    }

    @BeforeEach
    void start() throws Exception {
        tlsServer = TestHttpServer.startTls(TestKeystores.serverContext(good));
        tlsServer.resource("/pkg.bin", LENGTH);
    }

    @AfterEach
    void stop() throws Exception {
        tlsServer.close();
    }

    @Test
    void fetchesOverTlsWithATrustedCertificateAndReusesTheConnection() throws Exception {
        try (HttpFetcher fetcher = HttpFetcher.builder().sslContext(trusting(good)).build()) {
            ResourceInfo info = fetcher.head(tlsServer.uri("/pkg.bin")).get(20, TimeUnit.SECONDS);
            assertEquals(LENGTH, info.length());
            MemorySink sink = new MemorySink(LENGTH);
            for (int i = 0; i < 10; i++) {
                fetcher.fetch(FetchRequest.span(tlsServer.uri("/pkg.bin"), i * 10_000L, i * 10_000L + 10_000), sink)
                        .get(20, TimeUnit.SECONDS);
            }
            assertTrue(sink.coveredExactlyOnce(0, LENGTH));
            assertTrue(sink.holds(0, LENGTH, 0));
            assertEquals(1, tlsServer.acceptedConnections());
        }
    }

    @Test
    void defaultContextRejectsTheSelfSignedCertificate() {
        try (HttpFetcher fetcher = HttpFetcher.builder().build()) {
            FetchException e = failure(fetcher.fetch(FetchRequest.span(tlsServer.uri("/pkg.bin"), 0, 100),
                    new MemorySink(LENGTH)));
            assertTrue(e.getMessage().startsWith("GET " + tlsServer.uri("/pkg.bin") + " bytes=0-99: TLS handshake failed: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("PKIX path building failed"), e.getMessage());
            assertEquals(1, e.attempts());
            assertEquals(1, tlsServer.acceptedConnections());
        }
    }

    @Test
    void certificateForAnotherNameIsRejectedEvenWhenTrusted() throws Exception {
        try (TestHttpServer other = TestHttpServer.startTls(TestKeystores.serverContext(wrongName));
                HttpFetcher fetcher = HttpFetcher.builder().sslContext(trusting(wrongName)).build()) {
            other.resource("/pkg.bin", LENGTH);
            FetchException e = failure(fetcher.head(other.uri("/pkg.bin")));
            assertTrue(e.getMessage().startsWith("HEAD " + other.uri("/pkg.bin") + ": TLS handshake failed: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
                    e.getMessage());
        }
    }

    @Test
    void redirectFromHttpToHttpsIsFollowed() throws Exception {
        try (TestHttpServer plain = TestHttpServer.start();
                HttpFetcher fetcher = HttpFetcher.builder().sslContext(trusting(good)).build()) {
            plain.always("/pkg.bin", Actions.redirect(301, tlsServer.uri("/pkg.bin").toString()));
            MemorySink sink = new MemorySink(LENGTH);
            FetchResult result = fetcher.fetch(FetchRequest.span(plain.uri("/pkg.bin"), 5, 50), sink)
                    .get(20, TimeUnit.SECONDS);
            assertEquals(tlsServer.uri("/pkg.bin"), result.uri());
            assertTrue(sink.holds(5, 50, 0));
        }
    }

    private static SslContext trusting(KeyStore store) throws Exception {
        return SslContextBuilder.forClient().trustManager(TestKeystores.certificate(store)).build();
    }

    private static FetchException failure(CompletableFuture<?> future) {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FetchException f) {
                return f;
            }
            throw new AssertionError("unexpected failure", e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("fetch succeeded");
    }
}
