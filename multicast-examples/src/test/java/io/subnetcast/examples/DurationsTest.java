package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,500", "3s,3000", "1m,60000", "1h,3600000", "1.5s,1500", "0.25m,15000", "0,0", " 2S ,2000",
        "0ms,0", "90s,90000"})
    void readsTheUnitsAdminsType(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "3x", "-1s", "s", "1.5", "1 s", "1e3s", "1.0005s", "1ms5", "9999999999h", ""})
    void refusesWhatIsNotADurationWithAHint(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("duration") || e.getMessage().contains("millisecond")
                || e.getMessage().contains("year"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "500,500ms", "3000,3s", "60000,1m", "90000,90s", "3600000,1h", "1500,1500ms"})
    void formatsInTheLargestExactUnit(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Durations.parse(text), "round trip");
    }
}
