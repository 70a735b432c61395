package io.subnetcast.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.subnetcast.core.fetch.ContentRange;
import io.subnetcast.core.fuzz.FuzzInput;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzzes {@link RangeHeader#parse}: never throws for a valid length, a satisfiable answer lies
 * inside the representation, whitespace around the value changes nothing, and the
 * {@code Content-Range} the server then sends is one the client's strict parser accepts.
 * Input: one byte choosing the length, then the header value as ISO-8859-1 (how Netty reads it).
 */
class RangeHeaderFuzzTest {
    private static final long MAX_CONTENT_RANGE_NUMBER = 999_999_999_999_999_999L;

    @FuzzTest
    void parse(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        long length = switch (in.choose(4)) {
            case 0 -> 0;
            case 1 -> in.u16();
            case 2 -> Long.MAX_VALUE - in.u8();
            default -> in.i64() & Long.MAX_VALUE;
        };
        String value = new String(in.rest(), StandardCharsets.ISO_8859_1);
        RangeHeader.Result result = RangeHeader.parse(value, length);
        assertEquals(result, RangeHeader.parse(" \t" + value + "\t ", length), "surrounding whitespace changed the answer");
        switch (result.kind()) {
            case SATISFIABLE -> {
                assertTrue(result.start() >= 0 && result.start() <= result.endInclusive() && result.endInclusive() < length,
                        result + " outside " + length);
                assertEquals(result.endInclusive() - result.start() + 1, result.length());
                if (length <= MAX_CONTENT_RANGE_NUMBER) {
                    ContentRange sent = ContentRange.parse(RangeHeader.contentRange(result.start(), result.endInclusive(), length));
                    assertEquals(result.start(), sent.first());
                    assertEquals(result.endInclusive(), sent.last());
                }
            }
            case UNSATISFIABLE -> {
                assertEquals(0, result.length());
                if (length <= MAX_CONTENT_RANGE_NUMBER) {
                    ContentRange.parse(RangeHeader.unsatisfiedContentRange(length));
                }
            }
            case NONE -> assertEquals(0, result.length());
            default -> throw new AssertionError(result);
        }
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/http/RangeHeaderFuzzTestInputs/parse");
        new Seed().u8(1).u16(1000).bytes("bytes=0-499".getBytes(StandardCharsets.ISO_8859_1)).writeTo(inputs, "first-500");
        new Seed().u8(1).u16(1000).bytes("bytes=-9223372036854775808".getBytes(StandardCharsets.ISO_8859_1))
                .writeTo(inputs, "suffix-beyond-long");
        new Seed().u8(2).u8(0).bytes("BYTES=9223372036854775806-".getBytes(StandardCharsets.ISO_8859_1))
                .writeTo(inputs, "open-end-near-2-63");
        new Seed().u8(1).u16(10).bytes("bytes=1-2, ,3-4".getBytes(StandardCharsets.ISO_8859_1)).writeTo(inputs, "two-ranges");
        new Seed().u8(1).u16(10).bytes("bytes=\u0661-\u0662".getBytes(StandardCharsets.UTF_8)).writeTo(inputs, "arabic-digits");
        new Seed().u8(0).bytes("bytes=0-0".getBytes(StandardCharsets.ISO_8859_1)).writeTo(inputs, "empty-representation");
    }
}
