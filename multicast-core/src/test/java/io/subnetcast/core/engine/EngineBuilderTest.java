package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's shortcuts and {@link SubnetcastEngine.Builder#session} combine whatever their order. */
class EngineBuilderTest {
    @TempDir
    Path dir;

    @Test
    void shortcutsHoldWhetherGivenBeforeOrAfterTheSession() throws Exception {
        InetSocketAddress control = TestNetwork.controlGroup();
        SessionConfig session = SessionConfig.builder().dataPort(control.getPort() + 1).blockSize(64 * 1024)
                .linger(Duration.ofSeconds(7)).build();
        try (SubnetcastEngine shortcutsFirst = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                     .rateBitsPerSecond(20_000_000L).mtu(1400).startDelay(Duration.ofSeconds(3))
                     .session(session).cacheDirectory(dir.resolve("a")).build();
             SubnetcastEngine sessionFirst = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                     .session(session)
                     .rateBitsPerSecond(20_000_000L).mtu(1400).startDelay(Duration.ofSeconds(3))
                     .cacheDirectory(dir.resolve("b")).build()) {
            for (SubnetcastEngine engine : List.of(shortcutsFirst, sessionFirst)) {
                SessionConfig config = engine.config();
                assertEquals(20_000_000L, config.rateBitsPerSecond(), "rate");
                assertEquals(1400, config.mtu(), "MTU");
                assertEquals(Duration.ofSeconds(3), config.startDelay(), "start delay");
                // and the rest from the session
                assertEquals(64 * 1024, config.blockSize(), "block size");
                assertEquals(Duration.ofSeconds(7), config.linger(), "linger");
                assertEquals(control.getPort() + 1, config.dataPort(), "data port");
            }
        }
    }

    @Test
    void aShortcutTheSessionCannotTakeIsRefusedWhateverTheOrder() {
        SessionConfig smallBlocks = SessionConfig.builder().blockSize(4096).build();
        for (boolean shortcutFirst : new boolean[] {true, false}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> {
                SubnetcastEngine.Builder builder = SubnetcastEngine.builder().networkInterface("lo")
                        .cacheDirectory(dir.resolve("c"));
                if (shortcutFirst) {
                    builder.mtu(9000).session(smallBlocks);
                } else {
                    builder.session(smallBlocks).mtu(9000);
                }
                builder.build().close();
            }, "shortcut first: " + shortcutFirst);
            assertTrue(refused.getMessage().contains("block size 4096 must be at least the MTU 9000"), refused.getMessage());
        }
    }

    @Test
    void aShortcutsOwnValueIsCheckedAtOnce() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> SubnetcastEngine.builder().rateBitsPerSecond(5));
        assertTrue(rate.getMessage().contains("rate"), rate.getMessage());
        IllegalArgumentException mtu = assertThrows(IllegalArgumentException.class,
                () -> SubnetcastEngine.builder().mtu(100));
        assertTrue(mtu.getMessage().contains("MTU"), mtu.getMessage());
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class,
                () -> SubnetcastEngine.builder().startDelay(Duration.ofSeconds(-1)));
        assertTrue(delay.getMessage().contains("start delay"), delay.getMessage());
    }
}
