package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/a.bin                      | /a.bin",
        "/dir/a.bin                  | /dir/a.bin",
        "/a.bin?x=1&y=/../..         | /a.bin",
        "/a.bin#frag                 | /a.bin",
        "/a%20b.bin                  | /a b.bin",
        "/%41%62%63                  | /Abc",
        "/caf%C3%A9                  | /caf\u00e9",
        "/a+b                        | /a+b",
        "/.hidden                    | /.hidden",
        "/...                        | /...",
        "/a..b                       | /a..b",
        "/                           | /",
        "//x                         | //x",
        "/x/                         | /x/",
        "http://host:8080/a.bin      | /a.bin",
        "HTTPS://host/a/b            | /a/b",
        "http://host                 | /",
    })
    void accepted(String raw, String decoded) {
        RequestTarget target = RequestTarget.parse(raw);
        assertNull(target.refusal(), raw);
        assertEquals(decoded, target.path());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/..", "/../x", "/a/../../x", "/.", "/./x", "/%2e%2e/x", "/%2E%2e/x", "/.%2e/x", "/%2e./x", "/%2e",
        "/a%2fb", "/a%2Fb", "/..%2f..%2fetc", "/a%5cb", "/a\\b", "/..\\x", "/a%00", "/%00", "/a%0a", "/a%0d%0a",
        "/a%7f", "/a%c2%85", "/C:/x", "/c%3A/x", "/f::$DATA",
    })
    void forbidden(String raw) {
        assertEquals(HttpResponseStatus.FORBIDDEN, RequestTarget.parse(raw).refusal(), raw);
        assertNull(RequestTarget.parse(raw).path());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "*", "a.bin", "?q", "/%", "/%4", "/%g0", "/%0g", "/a%", "/%%41", "/%\uff11\uff11", "/%e2%28%a1",
        "/%c0%af", "/%ed%a0%80", "/%ff%fe", "/a b", "/a\tb", "/a\u00e9", "/a\u0000b", "/a\u007fb",
    })
    void malformed(String raw) {
        assertEquals(HttpResponseStatus.BAD_REQUEST, RequestTarget.parse(raw).refusal(), raw);
    }
}
