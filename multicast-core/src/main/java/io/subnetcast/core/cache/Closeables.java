package io.subnetcast.core.cache;

import java.io.IOException;

/** Closing an entry's files together: every one is closed even when another fails to close. */
final class Closeables {
    private Closeables() {
    }

    /**
     * Closes each resource in order, skipping nulls.
     *
     * @return the first failure, or null
     */
    static IOException closeEach(AutoCloseable... resources) {
        IOException failure = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        return failure;
    }

    /** Closes the resources opened before {@code failure}, whose own failures it then carries as suppressed. */
    static void closeAfter(Exception failure, AutoCloseable... resources) {
        IOException closing = closeEach(resources);
        if (closing != null) {
            failure.addSuppressed(closing);
        }
    }
}
