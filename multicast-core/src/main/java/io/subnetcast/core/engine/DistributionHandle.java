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
     * The verified package is in place: install it. This is not the end of the agent's duties. The
     * representative usually places its copy during the start delay, before its multicast pass has
     * begun: its members depend on it until {@link #finished()}, so keep the engine open (and do not
     * {@link #cancel()}) until then.
     *
     * @return completes with the verified package's path once it is in place; fails with a
     *     {@link DistributionException} naming the reason, or is cancelled by {@link #cancel()}
     */
    CompletableFuture<Path> completion();

    /**
     * The agent no longer takes part in the session; only now may the engine be closed without
     * costing other agents anything. A representative is finished after its whole multicast pass
     * and its {@code End}, with no retransmission queued, once every member it knows reported its
     * copy in place, or no member reported progress (more blocks held than in its previous status)
     * for {@link io.subnetcast.core.session.SessionConfig#linger() linger}, counted from the end of
     * the pass at the earliest. A member is finished once its copy is in place and either the
     * representative's beacons report every member done or linger has passed since it placed its
     * copy. A paused session does not finish. The task failing or being cancelled finishes it too.
     *
     * @return completes when the agent stops taking part in the session
     */
    CompletableFuture<Void> finished();

    /** @return the latest progress snapshot */
    SessionProgress progress();

    /**
     * Adds a listener called on the engine's thread at every state change and periodically; it
     * must return quickly. Adding the same listener twice calls it twice.
     *
     * @param listener the listener
     * @return its subscription, whose {@link ProgressSubscription#close()} removes the listener; a
     *     caller that listens for the task's whole life may ignore it
     */
    ProgressSubscription onProgress(Consumer<ProgressEvent> listener);

    /** Pauses; on the representative this pauses the whole session for every member. */
    void pause();

    /** Resumes where {@link #pause()} stopped. */
    void resume();

    /** Cancels the task on this agent. */
    void cancel();
}
