package io.subnetcast.deploy.model;

/**
 * Input from a user or an agent that the model refuses. The message is one line that says what is
 * wrong and what is accepted, fit to show as it is; it never echoes more than a short, printable
 * part of the input.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message one line for the user */
    public InvalidInputException(String message) {
        super(message);
    }
}
