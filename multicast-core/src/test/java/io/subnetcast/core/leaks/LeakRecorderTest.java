package io.subnetcast.core.leaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the leak check sees a real leak: leaks one buffer on purpose and finds its report. */
class LeakRecorderTest {
    private static final String HINT = "deliberately leaked by LeakRecorderTest";

    @Test
    void aLeakedBufferIsReportedWithItsAccessRecords() {
        List<String> before = LeakRecorder.collect();
        assertEquals(List.of(), before, "leaks reported before this test");
        assertTrue(LeakRecorder.watchedTypes().contains("io.netty.buffer.ByteBuf"), LeakRecorder.watchedTypes().toString());

        leakOneBuffer();
        List<String> leaks = LeakRecorder.collectExpected();

        // Collected here, so the global extension does not fail this class for the deliberate leak.
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).startsWith("LEAK of ByteBuf"), leaks.get(0));
        assertTrue(leaks.get(0).contains(HINT), leaks.get(0));
        assertTrue(leaks.get(0).contains("leakOneBuffer"), "paranoid records show where it was created: " + leaks.get(0));
    }

    @Test
    void theGlobalExtensionInstalledTheRecordingFactory() {
        // A class literal does not initialise LeakRecorder: only the extension can have installed its factory.
        String factory = ResourceLeakDetectorFactory.instance().getClass().getName();
        assertTrue(factory.startsWith(LeakRecorder.class.getName()), "leak detector factory is " + factory);
    }

    @Test
    void aReleasedBufferIsNotReported() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(42);
        buffer.release();
        assertEquals(List.of(), LeakRecorder.collect());
    }

    private static void leakOneBuffer() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(42);
        buffer.touch(HINT);
        // Never released: unreachable once this method returns.
    }
}
