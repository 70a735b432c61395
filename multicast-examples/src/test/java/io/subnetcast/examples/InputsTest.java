package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputsTest {
    @Test
    void readsAMulticastGroupAndPort() {
        InetSocketAddress group = Inputs.multicastGroup("239.255.0.1:41234");
        assertEquals("239.255.0.1", group.getAddress().getHostAddress());
        assertEquals(41_234, group.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"239.255.0.1", "10.0.0.1:5", "239.255.0.1:0", "239.255.0.1:65535", "ff02::1:5",
        "group.example:5", "239.255.0.1:x", ":5", "239.255.0.256:5"})
    void refusesAnythingButAnIpv4GroupWithRoomForTheDataPort(String text) {
        assertThrows(IllegalArgumentException.class, () -> Inputs.multicastGroup(text));
    }

    @Test
    void takesIpLiteralsOnlySoThatNothingIsLookedUp() {
        assertEquals("127.0.0.1", Inputs.ipLiteral("127.0.0.1").getHostAddress());
        assertEquals(16, Inputs.ipLiteral("::1").getAddress().length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inputs.ipLiteral("localhost"));
        assertTrue(e.getMessage().contains("not looked up"), e.getMessage());
    }

    @Test
    void acceptsHttpAndHttpsUrlsWithAHost() {
        assertEquals(URI.create("http://198.18.0.10:8080/pkg.bin"), Inputs.packageUrl("http://198.18.0.10:8080/pkg.bin"));
        assertEquals("https", Inputs.packageUrl("HTTPS://origin.example/p").getScheme().toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://host/x", "http:///x", "/local/file", "http://[bad/x", "", "mailto:a@b"})
    void refusesMalformedUrlsInOneLine(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inputs.packageUrl(text));
        assertTrue(e.getMessage().contains("URL"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void readsSha256InEitherCase() {
        byte[] expected = new byte[32];
        expected[0] = (byte) 0xab;
        assertArrayEquals(expected, Inputs.sha256("AB" + "0".repeat(62)));
        assertThrows(IllegalArgumentException.class, () -> Inputs.sha256("abc"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.sha256("g".repeat(64)));
    }

    @Test
    void readsLossAsFractionOrPercentage() {
        assertEquals(0.05, Inputs.lossFraction("0.05"), 1e-12);
        assertEquals(0.05, Inputs.lossFraction("5%"), 1e-12);
        assertEquals(0.0, Inputs.lossFraction("0"), 0);
        for (String bad : new String[] {"1", "100%", "-0.1", "lots", "", "NaN"}) {
            assertThrows(IllegalArgumentException.class, () -> Inputs.lossFraction(bad), bad);
        }
    }

    @Test
    void checksTaskIdsAsTheCacheDoes() {
        assertEquals("office-2026.1", Inputs.taskId("office-2026.1"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.taskId("../etc"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.taskId(""));
    }
}
