package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The one-transfer commands' leak detector: off by default, as told when told. */
class LeakDetectionTest {
    @Test
    void offUnlessTheJvmWasToldALevel() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(LeakDetection.PROPERTY);
        try {
            System.setProperty(LeakDetection.PROPERTY, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            assertFalse(LeakDetection.offForOneTransfer(), "a level given on the command line is kept");
            assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());

            System.clearProperty(LeakDetection.PROPERTY);
            assertTrue(LeakDetection.offForOneTransfer());
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
        } finally {
            if (property == null) {
                System.clearProperty(LeakDetection.PROPERTY);
            } else {
                System.setProperty(LeakDetection.PROPERTY, property);
            }
            ResourceLeakDetector.setLevel(before);
        }
    }
}
