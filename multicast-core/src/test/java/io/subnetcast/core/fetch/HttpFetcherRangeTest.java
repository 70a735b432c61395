package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Spans, whole files, HEAD and connection reuse against a well-behaved server. */
class HttpFetcherRangeTest extends FetcherTestSupport {

    @Test
    void headDiscoversLengthValidatorsAndRangeSupport() throws Exception {
        ResourceInfo info = done(fetcher.head(server.uri(PATH)));
        assertEquals(server.uri(PATH), info.uri());
        assertEquals(200, info.status());
        assertEquals(LENGTH, info.length());
        assertEquals(Optional.of("\"v1\""), info.etag());
        assertEquals(Optional.of("Sat, 01 Nov 2025 10:00:00 GMT"), info.lastModified());
        assertTrue(info.acceptsRanges());
        assertEquals(Optional.of("\"v1\""), info.rangeValidator());
        assertEquals("HEAD", server.requests().get(0).method());
    }

    @Test
    void headWithoutContentLengthFailsClearly() {
        server.always(PATH, (srv, request, resource, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            return false;
        });
        FetchException e = failure(fetcher.head(server.uri(PATH)));
        assertEquals("HEAD " + server.uri(PATH) + ": 200 OK without Content-Length: the resource length is unknown",
                e.getMessage());
    }

    @Test
    void fetchesExactlyTheSpan() throws Exception {
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 1000, 5000), sink));

        assertEquals(List.of("bytes=1000-4999"), server.ranges());
        assertTrue(sink.coveredExactlyOnce(1000, 5000));
        assertTrue(sink.holds(1000, 5000, 0));
        assertEquals(206, result.status());
        assertTrue(result.rangeHonoured());
        assertFalse(result.validatorChanged());
        assertEquals(4000, result.bytesDelivered());
        assertEquals(Optional.of("\"v1\""), result.etag());
        assertEquals(OptionalLong.of(LENGTH), result.completeLength());
        assertEquals(1, result.attempts());
        assertEquals(server.uri(PATH), result.uri());
    }

    @Test
    void twentySpansOneAfterAnotherUseOneConnection() throws Exception {
        MemorySink sink = new MemorySink(LENGTH);
        for (int i = 0; i < 20; i++) {
            done(fetcher.fetch(FetchRequest.span(server.uri(PATH), i * 500L, i * 500L + 500), sink));
        }
        assertTrue(sink.coveredExactlyOnce(0, LENGTH));
        assertTrue(sink.holds(0, LENGTH, 0));
        assertEquals(20, server.requests().size());
        assertEquals(1, server.acceptedConnections());
        assertEquals(1, fetcher.idleConnections());
    }

    @Test
    void wholeFileIsAskedWithoutRange() throws Exception {
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.whole(server.uri(PATH)), sink));
        assertNull(server.requests().get(0).range());
        assertEquals(200, result.status());
        assertTrue(result.rangeHonoured());
        assertEquals(OptionalLong.of(LENGTH), result.completeLength());
        assertTrue(sink.coveredExactlyOnce(0, LENGTH));
        assertTrue(sink.holds(0, LENGTH, 0));
    }

    @Test
    void openSpanRunsToTheEnd() throws Exception {
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.from(server.uri(PATH), 9000), sink));
        assertEquals(List.of("bytes=9000-"), server.ranges());
        assertEquals(206, result.status());
        assertEquals(1000, result.bytesDelivered());
        assertTrue(sink.coveredExactlyOnce(9000, LENGTH));
    }

    @Test
    void ignoredRangeDeliversTheWholeBodyWhenUseful() throws Exception {
        server.always(PATH, Actions.serve().ignoringRanges());
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(
                FetchRequest.span(server.uri(PATH), 3000, 4000).withWholeBodyUseful(true), sink));

        assertEquals(200, result.status());
        assertFalse(result.rangeHonoured());
        assertFalse(result.validatorChanged());
        assertEquals(LENGTH, result.bytesDelivered());
        assertTrue(sink.coveredExactlyOnce(0, LENGTH), sink.calls().toString());
        assertTrue(sink.holds(0, LENGTH, 0));
    }

    @Test
    void ignoredRangeDeliversOnlyTheSpanAndDropsTheConnectionOtherwise() throws Exception {
        int big = 8 << 20;
        server.resource("/big", big);
        server.always("/big", Actions.serve().ignoringRanges());
        MemorySink sink = new MemorySink(big);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri("/big"), 1000, 2000), sink));

        assertEquals(200, result.status());
        assertFalse(result.rangeHonoured());
        assertEquals(1000, result.bytesDelivered());
        assertTrue(sink.coveredExactlyOnce(1000, 2000), sink.calls().toString());
        assertTrue(sink.holds(1000, 2000, 0));
        // The rest of the 8 MiB body was not read: that connection was closed, not pooled.
        assertEquals(0, fetcher.idleConnections());
        done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 10), new MemorySink(LENGTH)));
        assertEquals(2, server.acceptedConnections());
    }

    @Test
    void chunkedPartialResponseIsAccepted() throws Exception {
        server.script(PATH, Actions.serve().chunked(0));
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 100, 9100), sink));
        assertEquals(206, result.status());
        assertTrue(sink.coveredExactlyOnce(100, 9100));
        assertTrue(sink.holds(100, 9100, 0));
    }

    @Test
    void chunkedPartialResponseNeverExceedsTheSpan() {
        server.script(PATH, Actions.serve().chunked(100));
        MemorySink sink = new MemorySink(LENGTH);
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri(PATH), 100, 200), sink));
        assertTrue(e.getMessage().contains("body longer than its Content-Range"), e.getMessage());
        assertTrue(sink.extent()[1] <= 200, "delivered beyond the span: " + sink.calls());
    }

    @Test
    void matchingIfRangeGetsPartialContent() throws Exception {
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(
                FetchRequest.span(server.uri(PATH), 0, 100).withIfRange("\"v1\""), sink));
        assertEquals("\"v1\"", server.requests().get(0).ifRange());
        assertEquals(206, result.status());
        assertFalse(result.validatorChanged());
    }

    @Test
    void changedContentIsReportedAndTheSpanComesFromTheNewVersion() throws Exception {
        server.resource(PATH, LENGTH).change("\"v2\"");
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(
                FetchRequest.span(server.uri(PATH), 2000, 3000).withIfRange("\"v1\""), sink));

        assertEquals(200, result.status());
        assertTrue(result.validatorChanged());
        assertFalse(result.rangeHonoured());
        assertEquals(Optional.of("\"v2\""), result.etag());
        assertTrue(sink.coveredExactlyOnce(2000, 3000));
        assertTrue(sink.holds(2000, 3000, 1));
    }

    @Test
    void changedContentWithWholeBodyUsefulDeliversTheNewBody() throws Exception {
        server.resource(PATH, LENGTH).change("\"v2\"");
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 2000, 3000)
                .withIfRange("Sat, 01 Nov 2025 10:00:00 GMT").withWholeBodyUseful(true), sink));

        assertTrue(result.validatorChanged());
        assertEquals(LENGTH, result.bytesDelivered());
        assertTrue(sink.holds(0, LENGTH, 1));
    }

    @Test
    void informationalResponsesBeforeTheRealOneAreSkipped() throws Exception {
        server.script(PATH, (srv, request, resource, socket, out) -> {
            write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
            return Actions.serve().respond(srv, request, resource, socket, out);
        });
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), sink));
        assertEquals(206, result.status());
        assertTrue(sink.holds(0, 100, 0));
    }

    @Test
    void codedBodiesAreRefused() {
        server.always(PATH, (srv, request, resource, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc");
            return true;
        });
        FetchException e = failure(fetcher.fetch(FetchRequest.whole(server.uri(PATH)), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri(PATH) + ": 200 OK with Content-Encoding gzip", e.getMessage());
        assertEquals("identity", server.requests().get(0).header("Accept-Encoding"));
    }

    @Test
    void runsOnACallersNioEventLoopGroupWithoutShuttingItDown() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            refetcher(configure(HttpFetcher.builder()).eventLoopGroup(group).userAgent("agent/1.0"));
            MemorySink sink = new MemorySink(LENGTH);
            done(fetcher.fetch(FetchRequest.span(server.uri(PATH), 0, 100), sink));
            assertEquals("agent/1.0", server.requests().get(0).header("User-Agent"));
            fetcher.close();
            assertFalse(group.isShuttingDown());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static void write(OutputStream out, String text) throws java.io.IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
