package io.subnetcast.core.engine;

import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.SessionAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task as its engine runs it: the task's {@link SessionAgent}, the {@link TaskPort} that
 * carries out what the agent does, the {@link ProgressReporter} of its listeners and the
 * {@link TaskHandle} the embedder holds. The engine's {@link DatagramDispatcher} reaches the agent
 * through this class. Made on the embedder's thread; everything else runs on the engine thread.
 */
final class EngineTask implements DatagramDispatcher.Target {
    private static final Logger LOG = LoggerFactory.getLogger(EngineTask.class);

    private final DistributionTask task;
    private final TaskPort port;
    private final SessionAgent agent;
    private final ProgressReporter progress;
    private final TaskHandle handle;

    private final boolean holder;

    EngineTask(DistributionTask task, EngineResources engine, RandomGenerator random) {
        this(task, engine, random, false);
    }

    /**
     * @param holder whether the engine started the task because it holds the package and a newcomer
     *     looks for a session ({@link HeldPackages}): then the agent claims the role at once
     */
    EngineTask(DistributionTask task, EngineResources engine, RandomGenerator random, boolean holder) {
        this.task = task;
        this.holder = holder;
        this.port = new TaskPort(task, engine);
        this.agent = new SessionAgent(task.spec(), engine.config(), engine.nodeId(), port, random,
                engine.repairFactory());
        this.progress = new ProgressReporter(task.taskId(), agent.progress(engine.nowNs()));
        port.attach(agent, progress);
        this.handle = new TaskHandle(task, agent, engine, progress);
    }

    /**
     * @param task a task to distribute
     * @throws IllegalArgumentException if the task's destination cannot take the package: its
     *     directory does not exist, or it is a directory itself
     */
    static void requirePlaceable(DistributionTask task) {
        if (!task.isCacheOnly()) {
            Path parent = task.destination().toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("cannot place " + task.destination() + ": directory " + parent
                        + " does not exist");
            }
            if (Files.isDirectory(task.destination())) {
                throw new IllegalArgumentException("cannot place the package at " + task.destination() + ": it is a directory");
            }
        }
    }

    /** @return the embedder's handle */
    TaskHandle handle() {
        return handle;
    }

    @Override
    public String taskId() {
        return task.taskId();
    }

    @Override
    public SessionAgent agent() {
        return agent;
    }

    @Override
    public SessionKey key() {
        return task.key();
    }

    @Override
    public boolean receivesData() {
        return port.receivesData();
    }

    /**
     * The agent starts looking for its session. A fault in it fails this task (see {@link #work}).
     *
     * @param nowNs current time
     */
    void start(long nowNs) {
        progress.start(nowNs);
        guarded(() -> {
            if (holder) {
                agent.startAsHolder(nowNs);
            } else {
                agent.start(nowNs);
            }
        }, nowNs);
    }

    /**
     * Runs the agent's timers and send loop, then completes the handle's futures if the agent
     * reached an outcome. A fault in the agent fails this task with the reason instead of escaping
     * the event loop, where it would stop every task of the engine.
     *
     * @param nowNs current time
     */
    void work(long nowNs) {
        guarded(() -> agent.doWork(nowNs), nowNs);
        handle.settle();
    }

    private void guarded(Runnable event, long nowNs) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("task {}: internal error, the task fails", task.taskId(), e);
            agent.onTransportFailure("internal error: " + e, nowNs);
        }
    }

    /** @return whether the agent no longer takes part in the session */
    boolean isFinished(long nowNs) {
        return agent.isFinished(nowNs);
    }

    /** @return when the agent next needs {@link #work} */
    long nextWakeNs(long nowNs) {
        return agent.nextWakeNs(nowNs);
    }

    /** Tells the listeners where the task stands, without a state change. */
    void reportProgress(long nowNs) {
        progress.report(agent.progress(nowNs), nowNs, null);
    }

    /** Stops the task for good: cancels what runs, leaves groups, closes the cache entry, finishes the handle. */
    void shutdown(long nowNs) {
        if (!agent.state().isTerminal() && agent.state() != AgentState.COMPLETE) {
            agent.cancel(nowNs);
        }
        handle.settle();
        port.release();
        progress.report(agent.progress(nowNs), nowNs, "stopped");
        handle.finish();
    }
}
