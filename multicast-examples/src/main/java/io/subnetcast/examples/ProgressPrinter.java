package io.subnetcast.examples;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;

/**
 * Shows progress on stderr: a bar redrawn in place when stderr is a terminal, plain time-stamped
 * lines at a slower pace otherwise (log files and CI output must not fill with redraws).
 * Notes, such as state changes, are printed as lines of their own in both modes.
 */
final class ProgressPrinter implements AutoCloseable {
    private static final long TERMINAL_TICK_MS = 200;
    private static final int BAR_WIDTH = 24;

    /**
     * What to show now.
     *
     * @param fraction done, 0 to 1, or negative while unknown
     * @param text the figures to show beside the bar
     */
    record Line(double fraction, String text) {
    }

    private final PrintWriter err;
    private final boolean terminal;
    private final long logIntervalMs;
    private final DoubleFunction<Line> source;
    private final long startNs = System.nanoTime();
    private ScheduledExecutorService ticker;
    private boolean barShown;
    private boolean closed;

    /**
     * @param err where to print
     * @param terminal whether {@code err} is a terminal
     * @param logIntervalMs interval between lines when it is not
     * @param source gives the line to show for the seconds elapsed since this printer was made
     */
    ProgressPrinter(PrintWriter err, boolean terminal, long logIntervalMs, DoubleFunction<Line> source) {
        this.err = err;
        this.terminal = terminal;
        this.logIntervalMs = logIntervalMs;
        this.source = source;
    }

    /** Starts showing progress periodically; the first line comes after one interval. */
    synchronized void start() {
        long interval = terminal ? TERMINAL_TICK_MS : logIntervalMs;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "subnetcast-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** @return seconds since this printer was made */
    double elapsedSeconds() {
        return (System.nanoTime() - startNs) / 1e9;
    }

    /**
     * Prints a line of its own, above the bar on a terminal.
     *
     * @param text the note
     */
    synchronized void note(String text) {
        if (closed) {
            return;
        }
        if (terminal && barShown) {
            err.print("\r\u001b[K");
        }
        err.println(stamp() + Texts.oneLine(text));
        if (terminal && barShown) {
            drawBar();
        }
        err.flush();
    }

    private void tick() {
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (terminal) {
                    drawBar();
                    barShown = true;
                } else {
                    err.println(stamp() + source.apply(elapsedSeconds()).text());
                }
                err.flush();
            }
        } catch (RuntimeException e) {
            // A progress display must never end the run it shows; the failure is shown instead.
            err.println(stamp() + "progress display failed: " + Errors.describe(e));
        }
    }

    private void drawBar() {
        Line line = source.apply(elapsedSeconds());
        err.print("\r" + bar(line.fraction()) + " " + line.text() + "\u001b[K");
    }

    /**
     * @param fraction done, 0 to 1, negative while unknown
     * @return a bar such as {@code [#########...............]  37%}
     */
    static String bar(double fraction) {
        if (fraction < 0) {
            return "[" + ".".repeat(BAR_WIDTH) + "]    ?";
        }
        double clamped = Math.min(1, fraction);
        int filled = (int) Math.round(clamped * BAR_WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(clamped * 100));
    }

    private String stamp() {
        return String.format(Locale.ROOT, "[%6.1fs] ", elapsedSeconds());
    }

    /** Stops the periodic display; on a terminal the last bar stays, followed by a newline. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (terminal) {
            drawBar();
            err.println();
        } else {
            err.println(stamp() + source.apply(elapsedSeconds()).text());
        }
        err.flush();
        closed = true;
    }
}
