package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IfRangeTest {
    private static final Instant MODIFIED = Instant.parse("2024-01-02T03:04:05.678Z");
    private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    private static final Resource RESOURCE = resource(MODIFIED);

    private static Resource resource(Instant modified) {
        return new StubResource(10, modified, "\"a-1\"");
    }

    @Test
    void strongEtagComparison() {
        assertTrue(IfRange.permitsRange("\"a-1\"", RESOURCE, NOW));
        assertTrue(IfRange.permitsRange(" \"a-1\" ", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("W/\"a-1\"", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("\"a-2\"", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("\"a-1\", \"a-1\"", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("\"A-1\"", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("a-1", RESOURCE, NOW));
    }

    @Test
    void exactDateInAnyHttpDateFormat() {
        assertTrue(IfRange.permitsRange("Tue, 02 Jan 2024 03:04:05 GMT", RESOURCE, NOW));
        assertTrue(IfRange.permitsRange("Tuesday, 02-Jan-24 03:04:05 GMT", RESOURCE, NOW));
        assertTrue(IfRange.permitsRange("Tue Jan  2 03:04:05 2024", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("Tue, 02 Jan 2024 03:04:04 GMT", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("Tue, 02 Jan 2024 03:04:06 GMT", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("yesterday", RESOURCE, NOW));
        assertFalse(IfRange.permitsRange("", RESOURCE, NOW));
    }

    @Test
    void dateIsNotAStrongValidatorWithinASecondOfTheModification() {
        Resource fresh = resource(Instant.parse("2024-06-01T00:00:00.500Z"));
        assertFalse(IfRange.permitsRange("Sat, 01 Jun 2024 00:00:00 GMT", fresh, Instant.parse("2024-06-01T00:00:01Z")));
        assertTrue(IfRange.permitsRange("Sat, 01 Jun 2024 00:00:00 GMT", fresh, Instant.parse("2024-06-01T00:00:01.5Z")));
    }
}
