package io.subnetcast.core.engine;

import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.wire.proto.Control;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages this engine holds and keeps serving to its subnet after their own task ended: when a
 * newcomer of such a task asks whether a session exists (or claims the role), the engine starts the
 * task again from its cache, and the agent claims the role at once. Its priority (the embedder
 * sets a high one) and whole package make it win, so the newcomer gets the package from its subnet,
 * not from the origin. Owned by the engine thread.
 */
final class HeldPackages implements DatagramDispatcher.UnknownTaskListener {
    private static final Logger LOG = LoggerFactory.getLogger(HeldPackages.class);

    private final RunningTasks tasks;
    private final Function<DistributionTask, EngineTask> starter;
    private final Map<String, DistributionTask> held = new HashMap<>();

    /**
     * @param tasks the engine's tasks
     * @param starter makes the task that serves a held package
     */
    HeldPackages(RunningTasks tasks, Function<DistributionTask, EngineTask> starter) {
        this.tasks = tasks;
        this.starter = starter;
        tasks.dispatcher().onUnknownTask(this);
    }

    /** Holds a package to serve; replaces what was held under the task's id. */
    void hold(DistributionTask task) {
        release(task.taskId());
        if (task.key() != null) {
            tasks.dispatcher().holdKey(task.key()); // its sessions' datagrams are sealed with it
        }
        held.put(task.taskId(), task);
    }

    /** Stops holding the package of {@code taskId}; a session it serves now goes on. */
    void release(String taskId) {
        DistributionTask old = held.remove(taskId);
        SessionKey key = old == null ? null : old.key();
        if (key != null) {
            tasks.dispatcher().releaseKey(key);
        }
    }

    @Override
    public void onUnknownTask(Control message, long nowNs) {
        if (message.getBodyCase() != Control.BodyCase.DISCOVER && message.getBodyCase() != Control.BodyCase.CLAIM) {
            return;
        }
        DistributionTask task = held.get(message.getTaskId());
        if (task == null || !tasks.dispatcher().admitsLast(task.key())) {
            return;
        }
        EngineTask serving = starter.apply(task);
        try {
            tasks.claim(serving);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return; // a task of that id (or key id) is starting on this engine: it answers
        }
        LOG.info("task {}: a newcomer looks for a session; serving the package held here", task.taskId());
        tasks.start(serving, nowNs);
    }
}
