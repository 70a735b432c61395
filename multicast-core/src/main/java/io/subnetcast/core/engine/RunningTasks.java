package io.subnetcast.core.engine;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.auth.SessionKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks an engine runs, in the order they started, and the {@link DatagramDispatcher} that
 * hands them the datagrams the engine receives. Owned by the engine thread, but for
 * {@link #claim} and {@link #authCounters}, which any thread may call, and {@link #abandon} of a
 * task the engine thread never took (it is gone).
 */
final class RunningTasks {
    // The tasks distributed and not yet retired, claimed on the embedder's thread: distribute refuses
    // a second task of the same id, or a clashing key, at once, without waiting for the engine thread.
    private final Map<String, EngineTask> claimed = new HashMap<>(); // guarded by itself
    private final Map<String, EngineTask> byId = new LinkedHashMap<>();
    // A fault in one task fails that task only.
    private final DatagramDispatcher<EngineTask> dispatcher =
            new DatagramDispatcher<>(DatagramDispatcher.OnFault.CONTINUE);

    /** @return the dispatcher's counts of datagrams dropped for lack of authenticity; any thread */
    AuthCounters authCounters() {
        return dispatcher.authCounters();
    }

    /** @return the dispatcher's count of datagrams of no task or session here; any thread */
    long foreignDatagrams() {
        return dispatcher.foreignDatagrams();
    }

    /** @return the dispatcher, for the packages held to be served ({@link HeldPackages}) */
    DatagramDispatcher<EngineTask> dispatcher() {
        return dispatcher;
    }

    /** @return whether no task runs */
    boolean isEmpty() {
        return byId.isEmpty();
    }

    /**
     * Reserves a task's id and key until the task is retired; any thread.
     *
     * @param task a task about to start
     * @throws IllegalStateException if a task of that id runs or is about to
     * @throws IllegalArgumentException if another key with the task's key id is in use; this is
     *     the check {@link io.subnetcast.core.auth.DatagramGuard#addKey} makes when the task starts,
     *     made here so that it refuses the task before it is handed out
     */
    void claim(EngineTask task) {
        SessionKey key = task.key();
        synchronized (claimed) {
            if (claimed.containsKey(task.taskId())) {
                throw new IllegalStateException("task '" + task.taskId() + "' already runs on this engine");
            }
            for (EngineTask other : claimed.values()) {
                SessionKey theirs = other.key();
                if (key != null && theirs != null && theirs.keyId() == key.keyId() && !theirs.equals(key)) {
                    throw new IllegalArgumentException("another key with id " + String.format("%08x", key.keyId())
                            + " is in use on this engine; use another key");
                }
            }
            claimed.put(task.taskId(), task);
        }
    }

    /**
     * Starts a claimed task: it receives datagrams from now on.
     *
     * @throws IllegalStateException if a task of that id runs already, which {@link #claim} refuses
     * @throws IllegalArgumentException if another key with the task's key id is in use, likewise
     */
    void start(EngineTask task, long nowNs) {
        if (byId.containsKey(task.taskId())) {
            throw new IllegalStateException("task '" + task.taskId() + "' already runs on this engine");
        }
        dispatcher.add(task);
        byId.put(task.taskId(), task);
        task.start(nowNs);
    }

    /** Ends a claimed task that never started, or could not: the engine closed meanwhile. */
    void abandon(EngineTask task, long nowNs) {
        release(task);
        task.shutdown(nowNs);
    }

    /** Routes one received datagram to the tasks it is for (see {@link DatagramDispatcher#dispatch}). */
    void dispatch(ByteBuf datagram, long nowNs) {
        dispatcher.dispatch(datagram, nowNs);
    }

    /**
     * Lets every task work.
     *
     * @return the tasks that are finished now, to {@link #retire}; null if none is
     */
    List<EngineTask> work(long nowNs) {
        List<EngineTask> done = null;
        for (EngineTask task : byId.values()) {
            task.work(nowNs);
            if (task.isFinished(nowNs)) {
                done = done == null ? new ArrayList<>() : done;
                done.add(task);
            }
        }
        return done;
    }

    /** Tells every task's listeners where it stands. */
    void reportProgress(long nowNs) {
        for (EngineTask task : byId.values()) {
            task.reportProgress(nowNs);
        }
    }

    /** @return the earliest time a task needs to work, at most {@code latestNs} */
    long nextWakeNs(long nowNs, long latestNs) {
        long next = latestNs;
        for (EngineTask task : byId.values()) {
            next = Math.min(next, task.nextWakeNs(nowNs));
        }
        return next;
    }

    /** @param done tasks to stop for good, or null */
    void retire(List<EngineTask> done, long nowNs) {
        if (done != null) {
            for (EngineTask task : done) {
                byId.remove(task.taskId());
                stop(task, nowNs);
            }
        }
    }

    /** Stops every task: the engine closes. */
    void retireAll(long nowNs) {
        for (EngineTask task : new ArrayList<>(byId.values())) {
            stop(task, nowNs);
        }
        byId.clear();
    }

    private void stop(EngineTask task, long nowNs) {
        // Released first: whoever learns from finished() that the task ended may distribute it again.
        release(task);
        task.shutdown(nowNs);
        dispatcher.remove(task.taskId());
    }

    private void release(EngineTask task) {
        synchronized (claimed) {
            claimed.remove(task.taskId(), task);
        }
    }
}
