package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test server and a fetcher with fast retries for each test. */
abstract class FetcherTestSupport {
    static final int LENGTH = 10_000;
    static final String PATH = "/pkg.bin";

    TestHttpServer server;
    HttpFetcher fetcher;

    @BeforeEach
    void startServer() throws Exception {
        server = TestHttpServer.start();
        server.resource(PATH, LENGTH);
        fetcher = configure(HttpFetcher.builder()).build();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (fetcher != null) {
            fetcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** @return the builder with test settings: retries within milliseconds, stalls noticed quickly */
    HttpFetcher.Builder configure(HttpFetcher.Builder builder) {
        return builder.initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5))
                .idleTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5));
    }

    /** Replaces the fetcher. */
    void refetcher(HttpFetcher.Builder builder) {
        fetcher.close();
        fetcher = builder.build();
    }

    static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    static FetchException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
        return assertInstanceOf(FetchException.class, e.getCause());
    }
}
