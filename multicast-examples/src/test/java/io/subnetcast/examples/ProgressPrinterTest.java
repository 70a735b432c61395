package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    @Test
    void drawsABarWithAPercentage() {
        assertEquals("[" + ".".repeat(24) + "]   0%", ProgressPrinter.bar(0));
        assertTrue(ProgressPrinter.bar(0.5).startsWith("[" + "#".repeat(12) + ".".repeat(12) + "]"));
        assertTrue(ProgressPrinter.bar(1).endsWith("100%"));
        assertTrue(ProgressPrinter.bar(2).endsWith("100%"), "clamped");
        assertTrue(ProgressPrinter.bar(-1).endsWith("?"), "unknown");
    }

    @Test
    void writesPlainLinesWithoutTerminalControlWhenNotOnATerminal() {
        StringWriter text = new StringWriter();
        try (ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), false, 1_000,
                elapsed -> new ProgressPrinter.Line(0.5, "half"))) {
            printer.note("state\nchanged");
        }
        String out = text.toString();
        assertTrue(out.contains("state changed"), "notes are one line: " + out);
        assertTrue(out.contains("half"), "the last state is printed at the end: " + out);
        assertFalse(out.contains("\r") || out.contains("\u001b"), "no redraws in logs: " + out);
    }

    @Test
    void redrawsInPlaceOnATerminal() {
        StringWriter text = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), true, 1_000,
                elapsed -> new ProgressPrinter.Line(0.25, "quarter"));
        printer.close();
        assertTrue(text.toString().startsWith("\r["), text.toString());
        assertTrue(text.toString().contains(" 25% quarter"), text.toString());
    }
}
