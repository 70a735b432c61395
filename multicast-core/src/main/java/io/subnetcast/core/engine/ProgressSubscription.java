package io.subnetcast.core.engine;

/**
 * A progress listener's registration with a {@link DistributionHandle}, returned by
 * {@link DistributionHandle#onProgress}. Closing it removes the listener.
 */
public interface ProgressSubscription extends AutoCloseable {
    /**
     * Removes the listener: it is not called again once this returns, but for a call the engine
     * thread is making at that moment. Idempotent, any thread, the listener's own call included.
     */
    @Override
    void close();
}
