package io.subnetcast.core.engine;

import io.subnetcast.core.session.SessionProgress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One task running on an engine. All methods are thread-safe; commands are carried out on the
 * engine's thread.
 */
public interface DistributionHandle {
    /** @return the task */
    DistributionTask task();

    /**
     * @return completes with the verified package's path once it is in place; fails with a
     *     {@link DistributionException} naming the reason, or is cancelled by {@link #cancel()}
     */
    CompletableFuture<Path> completion();

    /**
     * @return completes when the agent stops taking part in the session: after completion, once no
     *     known member still needs it or its linger passed (or when the task failed or was cancelled)
     */
    CompletableFuture<Void> finished();

    /** @return the latest progress snapshot */
    SessionProgress progress();

    /**
     * Adds a listener called on the engine's thread at every state change and periodically; it
     * must return quickly.
     *
     * @param listener the listener
     */
    void onProgress(Consumer<ProgressEvent> listener);

    /** Pauses; on the representative this pauses the whole session for every member. */
    void pause();

    /** Resumes where {@link #pause()} stopped. */
    void resume();

    /** Cancels the task on this agent. */
    void cancel();
}
