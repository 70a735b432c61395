package io.subnetcast.core.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StateMachineTest {
    enum Light { RED, GREEN, AMBER }

    private final StateMachine<Light> light = StateMachine.builder("light", LoggerFactory.getLogger("light"), Light.RED)
            .allow(Light.RED, Light.GREEN)
            .allow(Light.GREEN, Light.AMBER, Light.GREEN)
            .allow(Light.AMBER, Light.RED)
            .build();

    @Test
    void allowedTransitionsMoveCountAndTimestamp() {
        assertEquals(Light.RED, light.state());
        assertEquals(1, light.entries(Light.RED));
        light.to(Light.GREEN, 10, "go");
        light.to(Light.GREEN, 15, "still go");
        light.to(Light.AMBER, 20, "slow");
        light.to(Light.RED, 30, "stop");
        assertTrue(light.is(Light.RED));
        assertEquals(30, light.sinceNs());
        assertEquals(2, light.entries(Light.RED));
        assertEquals(2, light.entries(Light.GREEN));
        assertEquals(1, light.entries(Light.AMBER));
    }

    @Test
    void aTransitionOutsideTheTableFailsAndChangesNothing() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> light.to(Light.AMBER, 5, "skip"));
        assertEquals("light: RED -> AMBER is not a transition (skip)", e.getMessage());
        assertEquals(Light.RED, light.state());
        assertEquals(0, light.entries(Light.AMBER));
        assertThrows(IllegalStateException.class, () -> light.to(Light.RED, 5, "re-entry not declared"));
    }
}
