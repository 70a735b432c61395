package io.subnetcast.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.subnetcast.core.http.RangeHeader.Result;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangeHeaderTest {
    private static final long LEN = 1000;

    @Test
    void absentHeaderServesWhole() {
        assertSame(Result.NONE, RangeHeader.parse(null, LEN));
        assertSame(Result.NONE, RangeHeader.parse(null, 0));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}-{2}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-0        | 0   | 0",
        "bytes=0-999      | 0   | 999",
        "bytes=100-199    | 100 | 199",
        "bytes=999-999    | 999 | 999",
        // last-pos beyond the end is clamped (RFC 9110 section 14.1.1).
        "bytes=500-5000   | 500 | 999",
        "bytes=100-       | 100 | 999",
        "bytes=0-         | 0   | 999",
        "bytes=999-       | 999 | 999",
        "bytes=-500       | 500 | 999",
        "bytes=-1         | 999 | 999",
        "bytes=-1000      | 0   | 999",
        // A suffix longer than the representation selects all of it.
        "bytes=-5000      | 0   | 999",
        // The unit is case-insensitive.
        "BYTES=1-2        | 1   | 2",
        "Bytes=1-2        | 1   | 2",
        // Leading zeros are digits like any other.
        "bytes=0001-0002  | 1   | 2",
        "bytes=00000000000000000000000000001-00000000000000000000000000002 | 1 | 2",
        // Huge last-pos and suffix saturate instead of overflowing.
        "bytes=5-99999999999999999999999999 | 5 | 999",
        "bytes=5-9223372036854775807 | 5 | 999",
        "bytes=5-9223372036854775808 | 5 | 999",
        "bytes=-99999999999999999999999999  | 0 | 999",
    })
    void satisfiable(String header, long start, long end) {
        Result result = RangeHeader.parse(header, LEN);
        assertEquals(Result.satisfiable(start, end), result, header);
        assertEquals(end - start + 1, result.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bytes=1000-",
        "bytes=1000-1000",
        "bytes=1000-2000",
        "bytes=5000-",
        "bytes=-0",
        "bytes=-000",
        "bytes=9223372036854775807-",
        "bytes=99999999999999999999999999999-",
        "bytes=99999999999999999999999999999-99999999999999999999999999999",
    })
    void unsatisfiable(String header) {
        assertSame(Result.UNSATISFIABLE, RangeHeader.parse(header, LEN), header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=0-0", "bytes=-1", "bytes=-5", "bytes=5-10", "bytes=-0"})
    void everyRangeOfAnEmptyRepresentationIsUnsatisfiable(String header) {
        assertSame(Result.UNSATISFIABLE, RangeHeader.parse(header, 0), header);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "bytes",
        "bytes=",
        "bytes= ",
        "bytes=,",
        "bytes=, ,",
        "=0-1",
        "bytes:0-1",
        "bytes 0-1",
        // Invalid: last-pos before first-pos (RFC 9110 section 14.1.1).
        "bytes=5-2",
        "bytes=1-0",
        // Not digits, signs, negatives.
        "bytes=a-b",
        "bytes=1-b",
        "bytes=-",
        "bytes=--5",
        "bytes=-5-10",
        "bytes=-5-",
        "bytes=+5-10",
        "bytes=5-+10",
        "bytes=-+5",
        "bytes=-(-5)",
        "bytes=0x10-0x20",
        "bytes=1e3-",
        "bytes=1.5-2",
        "bytes=1-2-3",
        // Non-ASCII digits (Arabic-Indic, fullwidth) are not DIGIT.
        "bytes=\u0661-\u0662",
        "bytes=\uff11-\uff12",
        // Whitespace inside a range or around '=' is not allowed by the grammar.
        "bytes=1 -2",
        "bytes=1- 2",
        "bytes =1-2",
        "bytes= 1 - 2",
        "bytes=1\t-2",
        "bytes=1-2\r",
        "bytes=1-2\n",
        "bytes=\u00a01-2",
        // Other units and other specs.
        "items=0-1",
        "bytesx=0-1",
        "xbytes=0-1",
        "none",
        "bytes=*",
        "bytes=0-1;q=1",
        // Multiple ranges are ignored on purpose: no multipart/byteranges.
        "bytes=0-1,5-9",
        "bytes=0-1, 5-9",
        "bytes=0-1,0-1",
        "bytes=-1,-1",
        "bytes=0-1,2000-3000",
        "bytes=2000-3000,4000-5000",
        "bytes=0-1,garbage",
    })
    void ignored(String header) {
        assertSame(Result.NONE, RangeHeader.parse(header, LEN), () -> "'" + header + "'");
    }

    @Test
    void optionalWhitespaceAtTheEndsAndAroundCommasIsAccepted() {
        assertEquals(Result.satisfiable(1, 2), RangeHeader.parse("  bytes=1-2\t ", LEN));
        assertEquals(Result.satisfiable(1, 2), RangeHeader.parse("bytes=1-2 ,", LEN));
        // Empty list elements must be accepted by recipients (RFC 9110 section 5.6.1.2).
        assertEquals(Result.satisfiable(1, 2), RangeHeader.parse("bytes=,1-2,,", LEN));
    }

    @Test
    void largeRepresentationsBeyondIntegerRange() {
        long length = 5L << 30;
        assertEquals(Result.satisfiable(5368709000L, 5368709119L),
                RangeHeader.parse("bytes=5368709000-5368709119", length));
        assertEquals(Result.satisfiable(length - 10, length - 1), RangeHeader.parse("bytes=-10", length));
        assertSame(Result.UNSATISFIABLE, RangeHeader.parse("bytes=" + length + "-", length));
        assertEquals(Result.satisfiable(0, Long.MAX_VALUE - 1), RangeHeader.parse("bytes=0-", Long.MAX_VALUE));
    }

    @Test
    void negativeLengthIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> RangeHeader.parse("bytes=0-1", -1));
    }

    @Test
    void resultsRejectImpossibleBounds() {
        assertThrows(IllegalArgumentException.class, () -> Result.satisfiable(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> Result.satisfiable(5, 4));
        assertEquals(0, Result.NONE.length());
        assertEquals(0, Result.UNSATISFIABLE.length());
    }

    @Test
    void contentRangeFormatting() {
        assertEquals("bytes 100-199/1000", RangeHeader.contentRange(100, 199, 1000));
        assertEquals("bytes */1000", RangeHeader.unsatisfiedContentRange(1000));
    }

    /** Random junk and random mutations of valid headers: never throws, always a consistent answer. */
    @Test
    void fuzzNeverThrowsAndStaysInBounds() {
        Random random = new Random(42);
        String alphabet = "bytes=-,0123456789 \t\r\n*;xB\u0661";
        int satisfiable = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "bytes=" : "");
            if (i % 2 == 1) {
                // Mostly well-formed: "bytes=" [start] "-" [end], whitespace, sometimes a junk character.
                header.setLength(0);
                header.append("bytes=").append(random.nextInt(4) == 0 ? " " : "");
                if (random.nextInt(4) != 0) {
                    header.append(random.nextInt(2200));
                }
                header.append('-');
                if (random.nextInt(3) != 0) {
                    header.append(random.nextInt(2200));
                }
            }
            int size = i % 2 == 1 ? random.nextInt(8) == 0 ? 1 : 0 : random.nextInt(24);
            for (int j = 0; j < size; j++) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            long length = random.nextInt(4) == 0 ? 0 : random.nextInt(2000);
            Result result = RangeHeader.parse(header.toString(), length);
            if (result.kind() == Result.Kind.SATISFIABLE) {
                long start = result.start();
                long end = result.endInclusive();
                assertEquals(true, start >= 0 && start <= end && end < length, header + " -> " + result);
                satisfiable++;
            }
        }
        // The bounds above were checked on many inputs, not vacuously: random junk alone gave 106
        // satisfiable ranges in 100,000, hence the half that is mostly well-formed.
        assertTrue(satisfiable >= 10_000, "only " + satisfiable + " satisfiable ranges were generated");
    }
}
