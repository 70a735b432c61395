package io.subnetcast.core.leaks;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records every leak Netty's detectors report, so that a test run can fail on them rather than
 * leave a line in the log.
 *
 * <p>Netty creates one detector per resource type when that type's class is first initialised
 * (buffers: when {@code AbstractByteBuf} loads), from whatever {@link ResourceLeakDetectorFactory}
 * is installed then. This class installs its factory when it is first used and checks at once that
 * the buffer detector is one of its own; if buffers were allocated earlier in the JVM the check
 * fails loudly instead of silently watching nothing.
 *
 * <p>A leak is reported only when a leaked object has been garbage collected and its detector is
 * used again afterwards: {@link #collect()} forces both.
 */
public final class LeakRecorder {
    private static final Map<String, RecordingDetector<?>> DETECTORS = new ConcurrentHashMap<>();
    private static final List<String> LEAKS = new ArrayList<>();
    /** While set, reports are recorded but not logged: a test that leaks on purpose. */
    private static volatile boolean quiet;
    /** Longest time {@link #collect()} waits for the collector to clear a reference. */
    private static final long GC_WAIT_MS = 2_000;

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        try {
            // Creates the buffer detector now, from our factory, unless it already exists.
            Class.forName("io.netty.buffer.AbstractByteBuf", true, LeakRecorder.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (!DETECTORS.containsKey("io.netty.buffer.ByteBuf")) {
            throw new IllegalStateException("Netty's ByteBuf leak detector was created before the recording factory was "
                    + "installed: buffers were allocated before the first test class ran, so leaks would go unnoticed");
        }
    }

    private LeakRecorder() {
    }

    /** Installs the recording factory if it is not installed yet; idempotent. */
    public static void install() {
        // The static initialiser does the work.
    }

    /** @return the resource types whose detectors record leaks */
    public static List<String> watchedTypes() {
        return new ArrayList<>(DETECTORS.keySet());
    }

    /**
     * Collects garbage, makes every detector look at what was collected, and returns (and forgets)
     * the leaks reported since the last call.
     *
     * @return one entry per leak report: resource type and Netty's access records
     */
    public static List<String> collect() {
        return collect(false);
    }

    /**
     * Like {@link #collect()}, but without Netty's log lines, for a test that leaked on purpose and
     * checks the returned reports itself.
     *
     * @return one entry per leak report
     */
    public static List<String> collectExpected() {
        return collect(true);
    }

    private static synchronized List<String> collect(boolean silently) {
        quiet = silently;
        try {
            return collectNow();
        } finally {
            quiet = false;
        }
    }

    private static List<String> collectNow() {
        for (int round = 0; round < 2; round++) {
            awaitGarbageCollection();
            for (RecordingDetector<?> detector : DETECTORS.values()) {
                detector.poll();
            }
        }
        synchronized (LEAKS) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return found;
        }
    }

    /**
     * Runs the collector until a fresh weakly reachable object has been cleared and enqueued, so
     * that the references the same collection cleared (the leaked buffers') are enqueued too.
     */
    private static void awaitGarbageCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + GC_WAIT_MS * 1_000_000L;
        try {
            while (System.nanoTime() - deadline < 0) {
                System.gc();
                if (queue.remove(50) != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Reference.reachabilityFence(sentinel);
        }
    }

    private static void record(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation") // the abstract method every factory must implement
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            DETECTORS.put(resource.getName(), detector);
            return detector;
        }
    }

    /** A detector that reports (always, whatever the log level) and records each report. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        private final Object probe = new Object();

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            if (!quiet) {
                super.reportTracedLeak(resourceType, records);
            }
            record("LEAK of " + resourceType + ":" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            if (!quiet) {
                super.reportUntracedLeak(resourceType);
            }
            record("LEAK of " + resourceType + " (no access records)");
        }

        /** Tracking anything makes the detector report what the collector enqueued meanwhile. */
        @SuppressWarnings("unchecked")
        void poll() {
            T object = (T) probe;
            ResourceLeakTracker<T> tracker = trackForcibly(object);
            tracker.close(object);
        }
    }
}
