package io.subnetcast.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.subnetcast.deploy.server.ApiTokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Calls the deployment server's JSON API for the {@code deploy} commands and the agent daemon.
 * Errors come back as {@link ServerException} with the server's one-line {@code error}.
 */
final class ServerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param server the server's base URL ({@code http://host:port})
     * @param tokenFile the file whose first line is the token
     */
    ServerClient(URI server, Path tokenFile) {
        this.server = server;
        try {
            this.token = ApiTokens.read(tokenFile);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot read --token-file " + tokenFile + ": " + Errors.describe(e));
        }
        if (token.isEmpty()) {
            throw new CliException(ExitCodes.BAD_INPUT, "--token-file " + tokenFile + " is empty");
        }
    }

    /** The server answered with an error, or could not be reached. */
    static final class ServerException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ServerException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** @return the HTTP status, 0 when the server was not reached */
        int status() {
            return status;
        }
    }

    /**
     * @param method GET or POST
     * @param path the API path with its query
     * @param body a JSON body, or null
     * @return the answer's JSON
     * @throws ServerException when the server cannot be reached or answers with an error
     */
    JsonNode call(String method, String path, JsonNode body) throws ServerException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new ServerException(0, "the server " + server + " cannot be reached (" + Errors.describe(e) + ")");
        } catch (IOException e) {
            throw new ServerException(0, "the server " + server + " failed: " + Errors.describe(e));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ServerException(response.statusCode(), "the server " + server + " answered " + response.statusCode()
                    + " without JSON; is it a subnetcast server?");
        }
        if (response.statusCode() >= 300) {
            JsonNode error = answer == null ? null : answer.get("error");
            throw new ServerException(response.statusCode(), "the server refused (" + response.statusCode() + "): "
                    + (error == null ? "no reason given" : Texts.printable(error.asText())));
        }
        return answer;
    }

    /** @return a new empty JSON object */
    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }
}
