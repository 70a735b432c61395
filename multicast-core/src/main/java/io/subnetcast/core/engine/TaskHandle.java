package io.subnetcast.core.engine;

import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.SessionAgent;
import io.subnetcast.core.session.SessionProgress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link DistributionHandle} the embedder holds for one task: the futures of its outcome, its
 * progress and listeners, and pause, resume and cancel, which it posts to the engine thread. The
 * engine completes the futures on its thread ({@link #settle()}, {@link #finish()}).
 */
final class TaskHandle implements DistributionHandle {
    private final DistributionTask task;
    private final SessionAgent agent;
    private final EngineResources engine;
    private final ProgressReporter progress;
    private final CompletableFuture<Path> completion = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    TaskHandle(DistributionTask task, SessionAgent agent, EngineResources engine, ProgressReporter progress) {
        this.task = task;
        this.agent = agent;
        this.engine = engine;
        this.progress = progress;
    }

    /** Engine thread: completes {@link #completion()} once the agent reached an outcome. */
    void settle() {
        if (!completion.isDone()) {
            if (agent.publishedPath() != null) {
                completion.complete(agent.publishedPath());
            } else if (agent.state() == AgentState.FAILED) {
                completion.completeExceptionally(new DistributionException(agent.failure()));
            } else if (agent.state() == AgentState.CANCELLED) {
                completion.cancel(false);
            }
        }
    }

    /** Engine thread: completes {@link #finished()}; the task no longer runs. */
    void finish() {
        finished.complete(null);
    }

    @Override
    public DistributionTask task() {
        return task;
    }

    @Override
    public CompletableFuture<Path> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<Void> finished() {
        return finished;
    }

    @Override
    public SessionProgress progress() {
        return progress.latest();
    }

    @Override
    public ProgressSubscription onProgress(Consumer<ProgressEvent> listener) {
        return progress.add(listener);
    }

    @Override
    public void pause() {
        engine.post(() -> agent.pause(engine.nowNs()));
    }

    @Override
    public void resume() {
        engine.post(() -> agent.resume(engine.nowNs()));
    }

    @Override
    public void cancel() {
        engine.post(() -> agent.cancel(engine.nowNs()));
    }
}
