package io.subnetcast.examples;

import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.ProgressEvent;
import io.subnetcast.core.engine.ProgressSubscription;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionProgress;
import java.io.PrintWriter;

/**
 * Shows one agent's progress: a bar or periodic lines from its snapshots, a line at every state
 * change (scripts wait for {@code RECEIVING} or {@code SENDING}), and the moment its package was
 * in place.
 */
final class AgentProgress implements AutoCloseable {
    private final ProgressPrinter printer;
    private final String label;
    private final DistributionHandle handle;
    private final ProgressSubscription subscription;
    private volatile double bytesPerSecond;
    private volatile long completedAtNs;
    private AgentState lastState;
    private Role lastRole;

    /**
     * @param err where to print
     * @param terminal whether it is a terminal
     * @param label what to call the agent in notes
     * @param handle the agent's task
     * @param logIntervalMs interval of plain lines
     */
    AgentProgress(PrintWriter err, boolean terminal, String label, DistributionHandle handle, long logIntervalMs) {
        this.label = label;
        this.handle = handle;
        this.printer = new ProgressPrinter(err, terminal, logIntervalMs,
                elapsed -> new ProgressPrinter.Line(Progress.fraction(handle.progress()),
                        label + ": " + Progress.describe(handle.progress(), bytesPerSecond)));
        handle.completion().whenComplete((path, failure) -> completedAtNs = System.nanoTime());
        this.subscription = handle.onProgress(this::onEvent);
        onState(handle.progress(), "started");
        printer.start();
    }

    /** Runs on the engine thread: remember the rate, tell state changes. */
    private void onEvent(ProgressEvent event) {
        bytesPerSecond = event.bytesPerSecond();
        onState(event.progress(), event.reason());
    }

    private synchronized void onState(SessionProgress progress, String reason) {
        if (progress.state() == lastState && progress.role() == lastRole) {
            return;
        }
        lastState = progress.state();
        lastRole = progress.role();
        printer.note(label + ": " + progress.state() + " as " + Progress.role(progress.role())
                + (reason == null || reason.isBlank() ? "" : " (" + reason + ")"));
    }

    /** @return when the package was in place (or the task ended), on {@link System#nanoTime()} */
    long completedAtNs() {
        return completedAtNs;
    }

    /**
     * @param text a line to print now
     */
    void note(String text) {
        printer.note(label + ": " + text);
    }

    @Override
    public void close() {
        subscription.close(); // the task may run on (lingering) after the display is gone
        printer.close();
    }
}
