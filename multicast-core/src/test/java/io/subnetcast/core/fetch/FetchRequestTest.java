package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FetchRequestTest {
    private static final URI URL = URI.create("http://198.18.0.1/p");

    @Test
    void spanAndFlags() {
        FetchRequest r = FetchRequest.span(URL, 10, 20).withIfRange("\"abc\"").withWholeBodyUseful(true);
        assertEquals(10, r.start());
        assertEquals(OptionalLong.of(20), r.endExclusive());
        assertEquals(Optional.of("\"abc\""), r.ifRange());
        assertTrue(r.wholeBodyUseful());
        assertEquals("bytes=10-19", r.spanText());
        assertEquals(OptionalLong.empty(), FetchRequest.whole(URL).endExclusive());
        assertEquals("bytes=5-", FetchRequest.from(URL, 5).spanText());
        assertFalse(FetchRequest.whole(URL).wholeBodyUseful());
    }

    @Test
    void rejectsOtherSchemesClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FetchRequest.span(URI.create("ftp://198.18.0.1/p"), 0, 1));
        assertTrue(e.getMessage().contains("only http and https"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URI.create("file:///etc/passwd")));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URI.create("/relative")));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URI.create("http://u:p@h/")));
    }

    @Test
    void rejectsEmptyOrNegativeSpans() {
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.span(URL, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.span(URL, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.from(URL, -1));
    }

    @Test
    void acceptsDateAndStrongEtagButNotWeakEtagOrInjection() {
        FetchRequest.whole(URL).withIfRange("Sat, 01 Nov 2025 10:00:00 GMT");
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URL).withIfRange("W/\"abc\""));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URL).withIfRange("\"a\"\r\nX: y"));
        assertThrows(IllegalArgumentException.class, () -> FetchRequest.whole(URL).withIfRange(""));
    }

    @Test
    void originFillsDefaultPortsAndKeepsIpv6Brackets() {
        assertEquals(new Origin("https", "h", 443), Origin.of(URI.create("HTTPS://H/x")));
        Origin v6 = Origin.of(URI.create("http://[::1]:8080/x"));
        assertEquals("::1", v6.connectHost());
        assertEquals("[::1]:8080", v6.hostHeader());
        assertEquals("h", Origin.of(URI.create("http://h:80/")).hostHeader());
    }
}
