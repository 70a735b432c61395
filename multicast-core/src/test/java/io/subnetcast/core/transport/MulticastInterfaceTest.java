package io.subnetcast.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MulticastInterfaceTest {
    @Test
    void loopbackIsAcceptedAlthoughJavaSaysItCannotMulticast() {
        MulticastInterface lo = MulticastInterface.resolve("lo");
        assertEquals("lo", lo.name());
        assertEquals("127.0.0.1", lo.address().getHostAddress());
    }

    @Test
    void anUnknownInterfaceIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MulticastInterface.resolve("nosuch0"));
        assertTrue(e.getMessage().contains("unknown network interface 'nosuch0'"), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
    }
}
