package io.subnetcast.core.fetch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.fetch.Actions.Cut;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Errors, retries that resume, stalls, stale pooled connections and cancellation. */
class HttpFetcherFaultTest extends FetcherTestSupport {

    @Test
    void orderlyCloseMidBodyResumesWithTheRemainingBytesOnly() throws Exception {
        server.script(PATH, Actions.serve().cutAfter(4000, Cut.CLOSE));
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 1000, 9000), sink));

        assertEquals(List.of("bytes=1000-8999", "bytes=5000-8999"), server.ranges());
        assertEquals(2, result.attempts());
        assertEquals(8000, result.bytesDelivered());
        assertTrue(sink.coveredExactlyOnce(1000, 9000), sink.calls().toString());
        assertTrue(sink.holds(1000, 9000, 0));
    }

    @Test
    void resetMidBodyResumesWhereDeliveryStopped() throws Exception {
        int big = 1 << 20;
        server.resource("/big", big);
        server.script("/big", Actions.serve().cutAfter(300_000, Cut.RESET));
        MemorySink inner = new MemorySink(big);
        AtomicLong beforeRetry = new AtomicLong();
        // Counts what arrived while the server had seen one request: exactly what the retry must skip.
        BodySink sink = (offset, data) -> {
            if (server.requests().size() == 1) {
                beforeRetry.addAndGet(data.readableBytes());
            }
            inner.onData(offset, data);
        };
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri("/big"), 1000, big), sink));

        assertEquals(List.of("bytes=1000-" + (big - 1), "bytes=" + (1000 + beforeRetry.get()) + "-" + (big - 1)),
                server.ranges());
        assertEquals(2, result.attempts());
        assertEquals(big - 1000, result.bytesDelivered());
        assertTrue(inner.coveredExactlyOnce(1000, big));
        assertTrue(inner.holds(1000, big, 0));
    }

    @Test
    void resumeRepeatsTheCallersIfRange() throws Exception {
        server.script(PATH, Actions.serve().cutAfter(10, Cut.CLOSE));
        done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100).withIfRange("\"v1\""), new MemorySink(LENGTH)));
        assertEquals(List.of("\"v1\"", "\"v1\""), server.requests().stream().map(TestHttpServer.Request::ifRange).toList());
        assertEquals(List.of("bytes=0-99", "bytes=10-99"), server.ranges());
    }

    @Test
    void resumeOfAWholeFileUsesTheLearnedValidatorAndNoticesAChange() throws Exception {
        TestHttpServer.Resource resource = server.resource(PATH, LENGTH);
        server.script(PATH, (srv, request, res, socket, out) -> {
            boolean keep = Actions.serve().cutAfter(4000, Cut.CLOSE).respond(srv, request, res, socket, out);
            res.change("\"v2\"");
            return keep;
        });
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.whole(server.uri(PATH)), sink));

        List<TestHttpServer.Request> requests = server.requests();
        assertEquals(null, requests.get(0).range());
        assertEquals("bytes=4000-9999", requests.get(1).range());
        assertEquals("\"v1\"", requests.get(1).ifRange());
        assertTrue(result.validatorChanged());
        assertEquals(200, result.status());
        assertEquals(LENGTH + 4000, result.bytesDelivered());
        assertTrue(sink.holds(0, LENGTH, resource.seed));
    }

    @Test
    void stallAfterHeadersTriggersTheIdleTimeoutAndResumes() throws Exception {
        refetcher(configure(HttpFetcher.builder()).idleTimeout(Duration.ofMillis(500)));
        server.script(PATH, Actions.serve().cutAfter(2000, Cut.STALL));
        MemorySink sink = new MemorySink(LENGTH);
        long startNs = System.nanoTime();
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 1000, 9000), sink));

        assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(List.of("bytes=1000-8999", "bytes=3000-8999"), server.ranges());
        assertEquals(2, result.attempts());
        assertTrue(sink.coveredExactlyOnce(1000, 9000));
    }

    @Test
    void stallsAreRetriedAFixedNumberOfTimes() {
        refetcher(configure(HttpFetcher.builder()).idleTimeout(Duration.ofMillis(200)).maxAttempts(2));
        server.always(PATH, Actions.stallBeforeHeaders());
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri(PATH) + " bytes=0-99: failed after 2 attempts; last: stalled: no data for"
                + " 200 ms waiting for the response", e.getMessage());
        assertEquals(2, e.attempts());
        assertEquals(2, server.requests().size());
    }

    @Test
    void serverErrorsAreRetriedUntilSuccess() throws Exception {
        server.script(PATH, Actions.status(503), Actions.status(500));
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        assertEquals(3, result.attempts());
        assertEquals(3, server.requests().size());
        // Small error bodies are read so that their connection serves the retry.
        assertEquals(1, server.acceptedConnections());
    }

    @Test
    void retriesAreBounded() {
        refetcher(configure(HttpFetcher.builder()).maxAttempts(4));
        server.always(PATH, Actions.status(503));
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri(PATH) + " bytes=0-99: failed after 4 attempts; last: 503 Service Unavailable",
                e.getMessage());
        assertEquals(4, e.attempts());
        assertEquals(OptionalInt.of(503), e.status());
        assertEquals(4, server.requests().size());
    }

    @Test
    void refusedConnectionsAreRetriedThenReported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        refetcher(configure(HttpFetcher.builder()).maxAttempts(3));
        URI uri = URI.create("http://127.0.0.1:" + port + "/x");
        FetchException e = failure(fetcher.fetch(FetchRequest.span(uri, 0, 100), new MemorySink(LENGTH)));
        assertTrue(e.getMessage().startsWith("GET " + uri + " bytes=0-99: failed after 3 attempts; last: connect failed"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertEquals(3, e.attempts());
    }

    @Test
    void clientErrorsFailAtOnceNamingUrlAndStatus() {
        FetchException notFound = failure(fetcher.fetch(FetchRequest.span(server.uri("/missing"), 0, 100),
                new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri("/missing") + " bytes=0-99: 404 Not Found", notFound.getMessage());
        assertEquals(OptionalInt.of(404), notFound.status());
        assertEquals(1, notFound.attempts());

        server.always(PATH, Actions.status(410));
        FetchException gone = failure(fetcher.fetch(FetchRequest.whole(server.uri(PATH)), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri(PATH) + ": 410 Gone", gone.getMessage());
        assertEquals(2, server.requests().size());

        FetchException head = failure(fetcher.head(server.uri("/missing")));
        assertEquals("HEAD " + server.uri("/missing") + ": 404 Not Found", head.getMessage());
    }

    @Test
    void unsatisfiableRangeReportsTheResourceLength() {
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 20_000, 20_100),
                new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri(PATH) + " bytes=20000-20099: 416 Requested Range Not Satisfiable"
                + " (resource is 10000 bytes, Content-Range: bytes */10000)", e.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void partialContentWithoutContentRangeIsRejected() {
        assertRejected(Actions.serve().withoutContentRange(), "206 Partial Content without Content-Range");
    }

    @Test
    void partialContentWithAnotherRangeIsRejected() {
        assertRejected(Actions.serve().withContentRange("bytes 0-99/10000"),
                "206 Partial Content with Content-Range 'bytes 0-99/10000' that does not match Range bytes=100-199");
    }

    @Test
    void partialContentWithMalformedRangeIsRejected() {
        assertRejected(Actions.serve().withContentRange("bytes 100-199/1e4"),
                "206 Partial Content with invalid Content-Range 'bytes 100-199/1e4': complete length is not a number");
    }

    @Test
    void partialContentWithWrongContentLengthIsRejected() {
        assertRejected(Actions.serve().withContentLength(50).cutAfter(50, Cut.CLOSE),
                "206 Partial Content with Content-Length 50 for Content-Range 'bytes 100-199/10000'");
    }

    private void assertRejected(Actions.Serve behaviour, String reason) {
        server.always(PATH, behaviour);
        MemorySink sink = new MemorySink(LENGTH);
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 100, 200), sink));
        assertEquals("GET " + server.uri(PATH) + " bytes=100-199: " + reason, e.getMessage());
        assertEquals(OptionalInt.of(206), e.status());
        assertEquals(0, sink.total());
        assertEquals(1, server.requests().size());
    }

    @Test
    void pooledConnectionClosedByTheServerIsReplacedWithoutSpendingAnAttempt() throws Exception {
        done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        server.script(PATH, Actions.dropRequest());
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 100, 200), new MemorySink(LENGTH)));
        assertEquals(1, result.attempts());
        assertEquals(2, server.acceptedConnections());
        assertEquals(List.of("bytes=0-99", "bytes=100-199", "bytes=100-199"), server.ranges());
    }

    @Test
    void freshConnectionClosedBeforeTheResponseSpendsAnAttempt() throws Exception {
        server.script(PATH, Actions.dropRequest());
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        assertEquals(2, result.attempts());
    }

    @Test
    void connectionCloseResponsesAreNotPooled() throws Exception {
        server.always(PATH, Actions.serve().connectionClose());
        for (int i = 0; i < 3; i++) {
            done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        }
        assertEquals(3, server.acceptedConnections());
        assertEquals(0, fetcher.idleConnections());
    }

    @Test
    void http10ResponsesWithoutKeepAliveAreNotPooled() throws Exception {
        server.always(PATH, Actions.serve().http10());
        for (int i = 0; i < 2; i++) {
            done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), new MemorySink(LENGTH)));
        }
        assertEquals(2, server.acceptedConnections());
    }

    @Test
    void cancellingTheFutureClosesTheConnection() {
        server.script(PATH, Actions.serve().cutAfter(100, Cut.STALL));
        MemorySink sink = new MemorySink(LENGTH);
        CompletableFuture<FetchResult> future = fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 1000), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.total() == 100);

        assertTrue(future.cancel(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionsClosedByClient() == 1);
        assertThrows(CancellationException.class, future::join);
        assertEquals(1, server.requests().size());
    }

    @Test
    void failingSinkAbortsTheFetch() {
        IOException disk = new IOException("disk full");
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), (offset, data) -> {
            throw disk;
        }));
        assertEquals("GET " + server.uri(PATH) + " bytes=0-99: sink failed at offset 0: IOException: disk full",
                e.getMessage());
        assertSame(disk, e.getCause());
        assertEquals(1, server.requests().size());
    }

    @Test
    void onlyHttpAndHttpsAreAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fetcher.head(URI.create("ftp://127.0.0.1/x")));
        assertTrue(e.getMessage().contains("only http and https URLs can be fetched: ftp://127.0.0.1/x"));
    }

    @Test
    void closedFetcherFailsRunningRequestsAndRefusesNewOnes() {
        server.script(PATH, Actions.serve().cutAfter(10, Cut.STALL));
        CompletableFuture<FetchResult> running = fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100),
                new MemorySink(LENGTH));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().size() == 1);
        fetcher.close();
        FetchException e = failure(running);
        assertTrue(e.getMessage().endsWith("fetcher closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> fetcher.head(server.uri(PATH)));
        assertFalse(running.isCancelled());
    }
}
