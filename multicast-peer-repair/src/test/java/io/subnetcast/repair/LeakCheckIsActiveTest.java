package io.subnetcast.repair;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetectorFactory;
import io.subnetcast.core.leaks.LeakRecorder;
import org.junit.jupiter.api.Test;

/** This module's tests fail on Netty leak reports: the global extension from multicast-core's test-jar is loaded. */
class LeakCheckIsActiveTest {
    @Test
    void nettyLeakDetectorsRecordForTheBuild() {
        // A class literal does not initialise LeakRecorder: only the extension can have installed its factory.
        String factory = ResourceLeakDetectorFactory.instance().getClass().getName();
        assertTrue(factory.startsWith(LeakRecorder.class.getName()), "leak detector factory is " + factory);
    }
}
