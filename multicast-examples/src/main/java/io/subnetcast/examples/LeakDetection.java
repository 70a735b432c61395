package io.subnetcast.examples;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detector in a process that moves one package and exits ({@code agent} and
 * {@code precache}). By default it samples one pooled buffer in 128 and records the stack it was
 * allocated from: on the testbed that was 2-4.5% of a receiving agent's engine thread (one buffer per
 * datagram), for a report that matters only to a process that lives long enough to run out of
 * memory. These commands turn it off; the daemon, the servers and {@code demo} keep Netty's
 * default, and an explicit {@code -Dio.netty.leakDetection.level} is always kept (the tests run
 * with {@code paranoid}).
 */
final class LeakDetection {
    /** Netty's system property, and its older name, which Netty still reads. */
    static final String PROPERTY = "io.netty.leakDetection.level";
    private static final String OLD_PROPERTY = "io.netty.leakDetectionLevel";

    private LeakDetection() {
    }

    /**
     * Turns the detector off unless the JVM was told a level.
     *
     * @return whether it was turned off
     */
    static boolean offForOneTransfer() {
        if (System.getProperty(PROPERTY) != null || System.getProperty(OLD_PROPERTY) != null) {
            return false;
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        return true;
    }
}
