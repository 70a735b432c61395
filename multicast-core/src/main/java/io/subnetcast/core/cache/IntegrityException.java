package io.subnetcast.core.cache;

import java.io.IOException;

/** Bytes did not match the SHA-256 they were promised to have. Nothing corrupt was kept. */
public class IntegrityException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was checked and against what
     */
    public IntegrityException(String message) {
        super(message);
    }
}
