package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @ParameterizedTest
    @CsvSource({"8m,8388608", "64MiB,67108864", "64MB,67108864", "512k,524288", "1g,1073741824", "100,100",
        "100b,100", "1.5k,1536"})
    void readsBinarySizes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "-1m", "1t", "m", "1 m", "2000000000g", ""})
    void refusesWhatIsNotASize(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"512,512 B", "1024,1.0 KiB", "67108864,64.0 MiB", "1610612736,1.5 GiB"})
    void formatsForPeople(long bytes, String text) {
        assertEquals(text, Sizes.format(bytes));
    }
}
