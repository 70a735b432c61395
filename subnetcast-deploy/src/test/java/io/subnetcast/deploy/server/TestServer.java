package io.subnetcast.deploy.server;

import io.subnetcast.deploy.store.DeploymentStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/** A deployment server on loopback with an SQLite store and a given clock, and a client for its API. */
final class TestServer implements AutoCloseable {
    static final String ADMIN = "admin-token-0123456789";
    static final String FLEET = "fleet-token-0123456789";

    private final DeploymentStore store;
    private final DeploymentServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(DeploymentStore store, DeploymentServer server) {
        this.store = store;
        this.server = server;
    }

    static TestServer start(Path dataDir, LongSupplier clockMs) throws Exception {
        DeploymentStore store = DeploymentStore.openSqlite(dataDir);
        DeploymentApi api = new DeploymentApi(store, new ApiTokens(ADMIN, FLEET), clockMs);
        return new TestServer(store, DeploymentServer.start(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    DeploymentStore store() {
        return store;
    }

    /** @return the answer to a request with the given bearer token (none when null) and body (none when null) */
    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
