package io.subnetcast.examples;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns failures into the one-line reasons the command prints. */
final class Errors {
    private Errors() {
    }

    /**
     * Describes a failure in one line: its message, followed by the messages of its causes where
     * they add something (a wrapped "Connection refused" is worth showing; a repeat is not).
     *
     * @param failure what went wrong
     * @return one line, never empty
     */
    static String describe(Throwable failure) {
        Throwable top = unwrap(failure);
        StringBuilder line = new StringBuilder(message(top));
        int depth = 0;
        for (Throwable cause = top.getCause(); cause != null && cause != top && depth < 4; cause = cause.getCause()) {
            String text = message(cause);
            if (!line.toString().contains(text)) {
                line.append(": ").append(text);
            }
            depth++;
        }
        return Texts.oneLine(line.toString());
    }

    /**
     * @param failure a failure, possibly wrapped by a future
     * @return the failure a future wrapped, or the failure itself
     */
    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return message;
    }
}
