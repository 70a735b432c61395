package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void alignsTextLeftAndNumbersRight() {
        String table = new TextTable("agent", ">bytes").row("1", "5").row("22", "1000").render();
        assertEquals("agent  bytes\n-----  -----\n1          5\n22      1000\n", table);
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("a", "b").row("1"));
    }
}
