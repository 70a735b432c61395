package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentRangeTest {

    @Test
    void parsesSatisfiedRange() {
        ContentRange r = ContentRange.parse("bytes 0-99/1000");
        assertTrue(r.isSatisfied());
        assertEquals(0, r.first());
        assertEquals(99, r.last());
        assertEquals(100, r.length());
        assertEquals(OptionalLong.of(1000), r.completeLength());
        assertEquals("bytes 0-99/1000", r.toString());
        assertEquals(ContentRange.of(0, 99, 1000), r);
    }

    @Test
    void parsesUnknownCompleteLength() {
        ContentRange r = ContentRange.parse("bytes 5-5/*");
        assertEquals(5, r.first());
        assertEquals(1, r.length());
        assertEquals(OptionalLong.empty(), r.completeLength());
    }

    @Test
    void parsesUnsatisfiedRange() {
        ContentRange r = ContentRange.parse("bytes */1234");
        assertFalse(r.isSatisfied());
        assertEquals(OptionalLong.of(1234), r.completeLength());
        assertThrows(IllegalStateException.class, r::first);
        assertEquals("bytes */1234", r.toString());
    }

    @Test
    void acceptsCaseInsensitiveUnitAndSurroundingWhitespace() {
        assertEquals(ContentRange.of(1, 2, 3), ContentRange.parse(" \tBYTES 1-2/3 "));
    }

    @Test
    void acceptsLargestValuesWithoutOverflow() {
        long max = 999_999_999_999_999_999L;
        ContentRange r = ContentRange.parse("bytes 0-" + (max - 1) + "/" + max);
        assertEquals(max, r.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bytes",
        "bytes ",
        "bits 0-1/2",
        "bytes=0-1/2",
        "bytes  0-1/2",
        "bytes 0-1",
        "bytes 0-1/",
        "bytes -1/2",
        "bytes 0-/2",
        "bytes 1-0/2",
        "bytes 0-2/2",
        "bytes 0-1/1",
        "bytes */*",
        "bytes */",
        "bytes 0-1/2/3",
        "bytes 0-1-2/3",
        "bytes +0-1/2",
        "bytes 0x0-1/2",
        "bytes 0-1/2 x",
        "bytes 0 -1/2",
        "bytes 0-1 /2",
        "bytes -0-1/2",
        "bytes 0-1/-2",
        "bytes 1\u0661-2/3",
        "bytes 0-1000000000000000000/1000000000000000001",
        "bytes 0-99999999999999999999999/99999999999999999999999",
        "bytes 0-9223372036854775807/9223372036854775808",
    })
    void rejectsInvalidValues(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContentRange.parse(value));
        assertTrue(e.getMessage().startsWith("invalid Content-Range"), e.getMessage());
    }

    @Test
    void rejectsOverlongValueWithoutEchoingAllOfIt() {
        String value = "bytes 0-1/" + "1".repeat(10_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContentRange.parse(value));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void escapesControlCharactersInMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContentRange.parse("bytes 0-1/2\r\nX-Evil: 1"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> ContentRange.parse(null));
    }

    @Test
    void factoryChecksBounds() {
        assertThrows(IllegalArgumentException.class, () -> ContentRange.of(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ContentRange.of(2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> ContentRange.of(0, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> ContentRange.unsatisfied(-1));
        assertEquals("bytes 0-0/*", ContentRange.of(0, 0, -1).toString());
    }
}
