package io.subnetcast.deploy.server;

/**
 * An answer that is not JSON: {@code /metrics} and its errors.
 *
 * @param status the HTTP status
 * @param contentType the content type
 * @param body the text
 */
public record TextResponse(int status, String contentType, String body) {
    /** @return {@code status} with {@code message} as plain text */
    static TextResponse plain(int status, String message) {
        return new TextResponse(status, "text/plain; charset=utf-8", message + "\n");
    }
}
