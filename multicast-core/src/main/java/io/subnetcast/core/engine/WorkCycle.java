package io.subnetcast.core.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.subnetcast.core.clock.NanoClock;
import io.subnetcast.core.transport.DatagramReceiver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The engine thread's work cycle. After every event (a command, a fetch result, a burst of
 * received datagrams) and at the earliest time any agent asked for, every running task's agent runs
 * its timers and send loop; then the transport is flushed, progress is reported every 250 ms,
 * finished tasks are retired and the next wake-up is armed. Receives the transport's datagrams.
 * Engine thread only.
 */
final class WorkCycle implements DatagramReceiver {
    /** Most datagrams handled before timers and the send loop run, within one burst from the socket. */
    private static final int MAX_DATAGRAMS_BETWEEN_WORK = 32;
    private static final long PROGRESS_INTERVAL_NS = 250_000_000L;

    private final EventLoop loop;
    private final NanoClock clock;
    private final RunningTasks tasks;
    private final Runnable flush;
    private final BooleanSupplier closed;
    private ScheduledFuture<?> wakeup;
    private long wakeupAtNs = Long.MAX_VALUE;
    private long nextProgressNs;
    private boolean ticking;
    private int datagramsSinceWork;

    /**
     * @param loop the engine thread
     * @param clock the engine's clock
     * @param tasks the tasks to run
     * @param flush sends what the agents wrote
     * @param closed whether the engine is closed: no work is done then
     */
    WorkCycle(EventLoop loop, NanoClock clock, RunningTasks tasks, Runnable flush, BooleanSupplier closed) {
        this.loop = loop;
        this.clock = clock;
        this.tasks = tasks;
        this.flush = flush;
        this.closed = closed;
    }

    @Override
    public void onDatagram(ByteBuf datagram) {
        // The transport owns the buffer for this call only, and no other reader shares it, so a
        // sealed datagram may be opened in place.
        tasks.dispatch(datagram, clock.nanoTime());
        // Timers, sending and progress run once per burst the socket delivers (see onReadComplete),
        // not once per datagram; the bound keeps a long burst from starving the sender.
        if (++datagramsSinceWork >= MAX_DATAGRAMS_BETWEEN_WORK) {
            afterEvent();
        }
    }

    @Override
    public void onReadComplete() {
        if (datagramsSinceWork > 0) {
            afterEvent();
        }
    }

    /** Runs every agent's timers and send loop, flushes, reports progress and schedules the next wake-up. */
    void afterEvent() {
        if (ticking || closed.getAsBoolean()) {
            return;
        }
        ticking = true;
        datagramsSinceWork = 0;
        try {
            long now = clock.nanoTime();
            List<EngineTask> done = tasks.work(now);
            flush.run();
            if (now - nextProgressNs >= 0) {
                nextProgressNs = now + PROGRESS_INTERVAL_NS;
                tasks.reportProgress(now);
            }
            tasks.retire(done, now);
            schedule(now);
        } finally {
            ticking = false;
        }
    }

    /** Disarms the wake-up: the engine closes. */
    void stop() {
        if (wakeup != null) {
            wakeup.cancel(false);
        }
    }

    private void schedule(long now) {
        long next = tasks.isEmpty() ? Long.MAX_VALUE : tasks.nextWakeNs(now, nextProgressNs);
        if (wakeup != null && !wakeup.isDone() && wakeupAtNs - next <= 0) {
            return; // an earlier or equal wake-up is already scheduled
        }
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
        }
        if (next == Long.MAX_VALUE) {
            wakeupAtNs = Long.MAX_VALUE;
            return;
        }
        long delayNs = Math.max(0, next - now);
        wakeupAtNs = next;
        wakeup = loop.schedule(this::onWakeup, delayNs, TimeUnit.NANOSECONDS);
    }

    private void onWakeup() {
        // This future is running, hence not done: forget it so that afterEvent can arm the next one.
        wakeup = null;
        wakeupAtNs = Long.MAX_VALUE;
        afterEvent();
    }
}
