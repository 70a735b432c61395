package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzzes {@link ContentRange#parse} with header values from a hostile origin or peer: either a
 * consistent range ({@code 0 <= first <= last < complete}) that prints back to itself, or an
 * {@link IllegalArgumentException} whose message is bounded printable ASCII (no forged log lines).
 * Input: the header value as ISO-8859-1, as Netty reads it.
 */
class ContentRangeFuzzTest {
    @FuzzTest
    void parse(byte[] input) {
        String value = new String(input, StandardCharsets.ISO_8859_1);
        ContentRange range;
        try {
            range = ContentRange.parse(value);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            assertTrue(message.length() < 300, "unbounded message: " + message.length());
            assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "unprintable message: " + message);
            return;
        }
        if (range.isSatisfied()) {
            assertTrue(range.first() >= 0 && range.first() <= range.last(), range.toString());
            assertTrue(range.length() > 0, range.toString());
            range.completeLength().ifPresent(complete -> assertTrue(range.last() < complete, range.toString()));
        } else {
            assertTrue(range.completeLength().isPresent() && range.completeLength().getAsLong() >= 0, range.toString());
        }
        assertEquals(range, ContentRange.parse(range.toString()), "does not print back to itself");
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/fetch/ContentRangeFuzzTestInputs/parse");
        for (String[] seed : new String[][] {
            {"satisfied", "bytes 0-499/1000"},
            {"unknown-length", "bytes 100-199/*"},
            {"unsatisfied", "bytes */1000"},
            {"eighteen-nines", "bytes 0-999999999999999998/999999999999999999"},
            {"nineteen-digits", "bytes 0-1/9223372036854775807"},
            {"last-before-first", "bytes 5-4/10"},
            {"negative", "bytes -1-4/10"},
            {"log-injection", "bytes 0-1/2\r\nX-Forged: 1"},
        }) {
            new Seed().bytes(seed[1].getBytes(StandardCharsets.ISO_8859_1)).writeTo(inputs, seed[0]);
        }
    }
}
