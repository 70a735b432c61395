package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesOneFlatObjectInInsertionOrder() {
        String json = new Json().put("task", "t1").put("bytes", 42L).put("seconds", 1.23456, 3).put("ok", true)
                .put("none", (String) null).toString();
        assertEquals("{\"task\":\"t1\",\"bytes\":42,\"seconds\":1.235,\"ok\":true,\"none\":null}", json);
    }

    @Test
    void escapesWhatRfc8259Requires() {
        assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", Json.quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\\u007f\"", Json.quote("\u0000\u001f\u007f"));
    }

    @Test
    void keepsTheOutputOneValidUtf8Line() {
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"), "JavaScript line breaks");
        assertEquals("\"\\ud800x\"", Json.quote("\ud800x"), "unpaired high surrogate");
        assertEquals("\"\\udc00\"", Json.quote("\udc00"), "unpaired low surrogate");
        assertEquals("\"caf\u00e9 \ud83d\ude80 /\"", Json.quote("caf\u00e9 \ud83d\ude80 /"), "pairs and others stay");
    }

    @Test
    void writesNullForNumbersJsonCannotHold() {
        assertEquals("{\"a\":null,\"b\":null}", new Json().put("a", Double.NaN, 1).put("b", Double.POSITIVE_INFINITY, 1)
                .toString());
    }

    @Test
    void escapesFieldNamesToo() {
        assertEquals("{\"a\\\"b\":1}", new Json().put("a\"b", 1L).toString());
    }
}
