package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Redirects: relative and absolute, for HEAD and GET, loops and limits. */
class HttpFetcherRedirectTest extends FetcherTestSupport {

    @Test
    void relativeRedirectIsResolvedAgainstTheRequestUrl() throws Exception {
        server.always("/dir/old", Actions.redirect(302, "../pkg.bin"));
        MemorySink sink = new MemorySink(LENGTH);
        FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri("/dir/old"), 10, 20), sink));

        assertEquals(server.uri(PATH), result.uri());
        assertEquals(List.of("bytes=10-19", "bytes=10-19"), server.ranges());
        assertTrue(sink.holds(10, 20, 0));
        assertEquals(1, result.attempts());
    }

    @Test
    void absoluteRedirectsAreFollowedForEveryRedirectStatus() throws Exception {
        int[] codes = {301, 302, 303, 307, 308};
        for (int code : codes) {
            server.script("/r" + code, Actions.redirect(code, server.uri(PATH) + "#fragment"));
            FetchResult result = done(fetcher.fetch(FetchRequest.span(server.uri("/r" + code), 0, 10),
                    new MemorySink(LENGTH)));
            assertEquals(server.uri(PATH), result.uri(), "status " + code);
        }
        assertEquals(1, server.acceptedConnections());
    }

    @Test
    void headFollowsRedirects() throws Exception {
        server.always("/old", Actions.redirect(307, "/pkg.bin"));
        ResourceInfo info = done(fetcher.head(server.uri("/old")));
        assertEquals(server.uri(PATH), info.uri());
        assertEquals(LENGTH, info.length());
        assertEquals(List.of("HEAD", "HEAD"), server.requests().stream().map(TestHttpServer.Request::method).toList());
    }

    @Test
    void redirectLoopIsReported() {
        server.always("/a", Actions.redirect(302, "/b"));
        server.always("/b", Actions.redirect(302, "/a"));
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri("/a"), 0, 10), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri("/b") + " bytes=0-9 (redirected from " + server.uri("/a") + "): redirect loop: "
                + server.uri("/a") + " -> " + server.uri("/b") + " -> " + server.uri("/a"), e.getMessage());
        assertEquals(OptionalInt.of(302), e.status());
        assertEquals(2, server.requests().size());
    }

    @Test
    void redirectsAreBounded() {
        refetcher(configure(HttpFetcher.builder()).maxRedirects(3));
        for (int i = 0; i < 10; i++) {
            server.always("/r" + i, Actions.redirect(301, "/r" + (i + 1)));
        }
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri("/r0"), 0, 10), new MemorySink(LENGTH)));
        assertTrue(e.getMessage().contains(": too many redirects (limit 3): "), e.getMessage());
        assertEquals(4, server.requests().size());
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        server.always("/old", Actions.redirect(302, "ftp://127.0.0.1/pkg.bin"));
        FetchException e = failure(fetcher.fetch(FetchRequest.span(server.uri("/old"), 0, 10), new MemorySink(LENGTH)));
        assertEquals("GET " + server.uri("/old") + " bytes=0-9: 302 Found to an unsupported URL: only http and https"
                + " URLs can be fetched: ftp://127.0.0.1/pkg.bin", e.getMessage());
    }

    @Test
    void redirectWithoutLocationIsReported() {
        server.always("/old", (srv, request, resource, socket, out) -> {
            HttpFetcherRangeTest.write(out, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        FetchException e = failure(fetcher.head(server.uri("/old")));
        assertEquals("HEAD " + server.uri("/old") + ": 302 Found with no Location", e.getMessage());
    }
}
