package io.subnetcast.examples;

import io.subnetcast.core.engine.ProgressSubscription;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionProgress;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Progress of all the demo's agents on one line: each agent's share of the package, and what the
 * representative is doing; plus a line whenever an agent changes state.
 */
final class DemoProgress implements AutoCloseable {
    private final ProgressPrinter printer;
    private final List<DemoAgent> agents;
    private final AgentState[] lastStates;
    private final Role[] lastRoles;
    private final List<ProgressSubscription> subscriptions = new CopyOnWriteArrayList<>();

    /**
     * @param err where to print
     * @param terminal whether it is a terminal
     * @param agents the agents, started or not
     * @param logIntervalMs interval of plain lines
     */
    DemoProgress(PrintWriter err, boolean terminal, List<DemoAgent> agents, long logIntervalMs) {
        this.agents = agents;
        this.lastStates = new AgentState[agents.size()];
        this.lastRoles = new Role[agents.size()];
        this.printer = new ProgressPrinter(err, terminal, logIntervalMs, elapsed -> line());
    }

    /** Starts the display; state changes are checked at every tick and when agents report. */
    void start() {
        for (DemoAgent agent : agents) {
            if (agent.started()) {
                watch(agent);
            }
        }
        printer.start();
    }

    /**
     * @param text a line to print now
     */
    void note(String text) {
        printer.note(text);
    }

    /** Subscribes to a started agent's state changes. */
    void watch(DemoAgent agent) {
        subscriptions.add(agent.handle().onProgress(event -> onState(agent, event.progress(), event.reason())));
    }

    private synchronized void onState(DemoAgent agent, SessionProgress progress, String reason) {
        int i = agent.number() - 1;
        if (progress.state() == lastStates[i] && progress.role() == lastRoles[i]) {
            return;
        }
        lastStates[i] = progress.state();
        lastRoles[i] = progress.role();
        printer.note("agent " + agent.number() + ": " + progress.state() + " as " + Progress.role(progress.role())
                + (reason == null || reason.isBlank() ? "" : " (" + reason + ")"));
    }

    private ProgressPrinter.Line line() {
        long held = 0;
        long length = -1;
        StringBuilder text = new StringBuilder("agents");
        String representative = "";
        for (DemoAgent agent : agents) {
            SessionProgress p = agent.progress();
            if (p == null || p.packageLength() < 0) {
                text.append(' ').append(agent.number()).append(p == null ? ":-" : ":?");
                continue;
            }
            held += p.bytesHeld();
            length = p.packageLength();
            text.append(String.format(Locale.ROOT, " %d:%d%%", agent.number(),
                    (int) Math.floor(100 * Progress.fraction(p))));
            if (p.role() == Role.REPRESENTATIVE) {
                representative = " | representative: agent " + agent.number() + " " + p.state();
            }
        }
        // Agents not started yet count as holding nothing, so the bar never runs backwards.
        double fraction = length <= 0 ? -1 : (double) held / ((double) length * agents.size());
        return new ProgressPrinter.Line(fraction, text + representative);
    }

    @Override
    public void close() {
        subscriptions.forEach(ProgressSubscription::close); // the agents may run on after the display is gone
        printer.close();
    }
}
