package io.subnetcast.core.serve;

/**
 * Told about every response after it has been written. Runs on the connection's event loop, so
 * it must return quickly; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RequestListener {
    /**
     * Reports one finished response.
     *
     * @param request what was asked and what was sent
     */
    void requestServed(ServedRequest request);
}
