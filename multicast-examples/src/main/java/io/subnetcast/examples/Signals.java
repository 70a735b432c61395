package io.subnetcast.examples;

/**
 * SIGINT and SIGTERM handling through shutdown hooks: the JVM runs them on either signal, which
 * is all the command needs (close the engine or server so caches and sockets are left clean).
 */
final class Signals {
    private Signals() {
    }

    /**
     * @param action what to do when the process is asked to stop
     * @return the hook, for {@link #remove}
     */
    static Thread onShutdown(Runnable action) {
        Thread hook = new Thread(action, "subnetcast-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Removes a hook once its work is done the ordinary way.
     *
     * @param hook a hook from {@link #onShutdown}, or null
     */
    static void remove(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, which is what we want.
        }
    }
}
