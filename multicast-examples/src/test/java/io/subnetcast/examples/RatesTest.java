package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RatesTest {
    @ParameterizedTest
    @CsvSource({"100m,100000000", "1g,1000000000", "500k,500000", "1.5g,1500000000", "64000,64000", "2.5M,2500000",
        "0.5k,500", "1.0000001k,1000"})
    void readsDecimalBitRates(String text, long bitsPerSecond) {
        assertEquals(bitsPerSecond, Rates.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0m", "fast", "100mb", "-5m", "1t", "1e6", "2000g", ""})
    void refusesWhatIsNotARate(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rates.parse(text));
        assertTrue(e.getMessage().contains("rate"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"200000000,200 Mbit/s", "1000000000,1 Gbit/s", "1500000000,1.50 Gbit/s", "500000,500 kbit/s",
        "64001,64001 bit/s"})
    void formatsForPeople(long bitsPerSecond, String text) {
        assertEquals(text, Rates.format(bitsPerSecond));
    }
}
