package io.subnetcast.core.engine;

import io.subnetcast.core.session.SessionProgress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a task's progress listeners what its agent is doing, with the rate at which it gains
 * verified bytes, and keeps the latest snapshot for {@link DistributionHandle#progress()}. Reports
 * are made on the engine thread; listeners may be added and removed from any thread.
 */
final class ProgressReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    /** Shorter spans than this keep measuring the rate from the earlier report, so that it does not jitter. */
    private static final double MIN_RATE_SPAN_SECONDS = 0.2;

    private final String taskId;
    // Copied on write: listeners come and go on any thread while reports iterate on the engine thread.
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile SessionProgress latest;
    private String lastReason = "";
    private long lastReportNs;
    private long lastReportBytes;

    /**
     * @param taskId the task, named when a listener fails
     * @param initial the agent's progress before it starts
     */
    ProgressReporter(String taskId, SessionProgress initial) {
        this.taskId = taskId;
        this.latest = initial;
    }

    /** @param nowNs when the agent starts: the first rate is measured from here */
    void start(long nowNs) {
        lastReportNs = nowNs;
    }

    /** @return the latest snapshot; any thread */
    SessionProgress latest() {
        return latest;
    }

    /**
     * @param listener called with every report from now on; any thread
     * @return what removes it
     */
    ProgressSubscription add(Consumer<ProgressEvent> listener) {
        Subscription subscription = new Subscription(Objects.requireNonNull(listener, "listener"));
        subscriptions.add(subscription);
        return subscription;
    }

    /**
     * Records a snapshot and hands it to every listener; a listener that throws is logged and
     * skipped.
     *
     * @param snapshot the agent's progress now
     * @param nowNs current time
     * @param reason why the state changed, or null for a periodic report
     */
    void report(SessionProgress snapshot, long nowNs, String reason) {
        if (reason != null) {
            lastReason = reason;
        }
        double seconds = (nowNs - lastReportNs) / 1e9;
        double rate = seconds > 0 ? (snapshot.bytesHeld() - lastReportBytes) / seconds : 0;
        if (seconds >= MIN_RATE_SPAN_SECONDS || reason != null) {
            lastReportNs = nowNs;
            lastReportBytes = snapshot.bytesHeld();
        }
        latest = snapshot;
        ProgressEvent event = new ProgressEvent(snapshot, Math.max(0, rate), lastReason);
        for (Subscription subscription : subscriptions) {
            subscription.deliver(event);
        }
    }

    /** One listener's registration; each has its own, so that the same listener may be added twice. */
    private final class Subscription implements ProgressSubscription {
        private final Consumer<ProgressEvent> listener;
        // Checked before each call: a report that copied the list before close() skips the listener.
        private volatile boolean closed;

        Subscription(Consumer<ProgressEvent> listener) {
            this.listener = listener;
        }

        void deliver(ProgressEvent event) {
            if (closed) {
                return;
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("progress listener of task {} failed", taskId, e);
            }
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
        }
    }
}
