package io.subnetcast.core.engine;

/** A task failed; the message says why in one line (it names the URL, file or interface at fault). */
public class DistributionException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the one-line reason
     */
    public DistributionException(String message) {
        super(message);
    }
}
