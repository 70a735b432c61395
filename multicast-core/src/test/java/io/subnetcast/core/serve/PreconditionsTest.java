package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
    private static final Instant MODIFIED = Instant.parse("2024-01-02T03:04:05.678Z");
    private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    private static final String SECOND_OF_MODIFICATION = "Tue, 02 Jan 2024 03:04:05 GMT";
    private static final Resource RESOURCE = new StubResource(10, MODIFIED, "\"a-1\"");

    private static boolean notModified(String ifNoneMatch, String ifModifiedSince) {
        return Preconditions.notModified(ifNoneMatch, ifModifiedSince, RESOURCE, NOW);
    }

    @Test
    void ifNoneMatchUsesWeakComparisonOverAList() {
        assertTrue(notModified("\"a-1\"", null));
        assertTrue(notModified("W/\"a-1\"", null));
        assertTrue(notModified("\"x\", \"a-1\"", null));
        assertTrue(notModified("\"x\",W/\"a-1\"", null));
        assertTrue(notModified("*", null));
        assertFalse(notModified("\"a-2\"", null));
        assertFalse(notModified("\"A-1\"", null));
        assertFalse(notModified("a-1", null));
        assertFalse(notModified("\"a-1", null));
        assertFalse(notModified("", null));
    }

    @Test
    void ifNoneMatchDecidesWhenBothArePresent() {
        assertFalse(notModified("\"other\"", SECOND_OF_MODIFICATION));
        assertTrue(notModified("\"a-1\"", "Mon, 01 Jan 2024 00:00:00 GMT"));
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        assertTrue(notModified(null, SECOND_OF_MODIFICATION));
        assertTrue(notModified(null, "Fri, 31 May 2024 00:00:00 GMT"));
        assertFalse(notModified(null, "Tue, 02 Jan 2024 03:04:04 GMT"));
        assertFalse(notModified(null, "not a date"));
        assertFalse(notModified(null, "Sat, 01 Jun 2030 00:00:00 GMT"), "a date in the future is ignored");
        assertFalse(notModified(null, null));
    }

    @Test
    void aLongTagListEndsWithoutAMatch() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            many.append("\"t").append(i).append("\", ");
        }
        many.append("\"a-1\"");
        assertFalse(notModified(many.toString(), null), "only the first tags are looked at");
    }
}
