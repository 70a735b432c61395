package io.subnetcast.core.transport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

class MulticastInterfaceTest {
    @Test
    void loopbackIsAcceptedAlthoughJavaSaysItCannotMulticast() {
        MulticastInterface lo = MulticastInterface.resolve("lo");
        assertEquals("lo", lo.name());
        assertEquals("127.0.0.1", lo.address().getHostAddress());
    }

    @Test
    void anInterfaceIsFoundByItsIndexToo() throws Exception {
        int index = NetworkInterface.getByName("lo").getIndex();
        MulticastInterface lo = MulticastInterface.resolve(Integer.toString(index));
        assertEquals("lo", lo.name());
    }

    @Test
    void hostileOrOutOfRangeTextIsRefusedOnOneLine() {
        for (String text : new String[] {"999999999", "99999999999999999999", "-1", "lo\nforged: line", "\u0000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MulticastInterface.resolve(text));
            assertTrue(e.getMessage().startsWith("unknown network interface '"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anUnknownInterfaceIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MulticastInterface.resolve("nosuch0"));
        assertTrue(e.getMessage().contains("unknown network interface 'nosuch0'"), e.getMessage());
        int index = assertDoesNotThrow(() -> NetworkInterface.getByName("lo").getIndex());
        assertTrue(e.getMessage().contains("lo (" + index + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("neither a name nor an index"), e.getMessage());
    }
}
