package io.subnetcast.deploy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * What the API answers: an HTTP status and a JSON body.
 *
 * @param status the HTTP status
 * @param body the JSON body
 */
public record ApiResponse(int status, JsonNode body) {
    /** @return 200 with {@code body} */
    static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    /** @return {@code status} with {@code {"error": message}} */
    static ApiResponse error(int status, String message) {
        return new ApiResponse(status, JsonNodeFactory.instance.objectNode().put("error", message));
    }
}
