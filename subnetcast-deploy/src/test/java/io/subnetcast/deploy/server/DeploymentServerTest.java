package io.subnetcast.deploy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over real HTTP on loopback, with a settable clock. */
class DeploymentServerTest {
    private static final String ADMIN = TestServer.ADMIN;
    private static final String FLEET = TestServer.FLEET;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, clock::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        return server.call(method, path, token, body);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static final String CREATE = "{\"product\":\"app\",\"version\":\"1.0\",\"pilot\":[\"pilot-1\"],"
            + "\"waves\":\"100%@+10s\",\"artifacts\":[{\"platform\":\"windows\",\"url\":\"http://origin/app.msi\","
            + "\"sha256\":\"" + "a".repeat(64) + "\"},{\"platform\":\"macos\",\"url\":\"http://origin/app.pkg\","
            + "\"sha256\":\"" + "b".repeat(64) + "\"}]}";

    @Test
    void adminCreatesPausesAndReadsProgressAgentsPollAndReport() throws Exception {
        HttpResponse<String> created = call("POST", "/api/deployments", ADMIN, CREATE);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("app-1.0", json(created).get("id").asText());
        assertEquals("running", json(created).get("state").asText());

        JsonNode offer = json(call("GET", "/api/agent/offer?device=pilot-1&platform=macos&product=app", FLEET, null));
        assertEquals("install", offer.get("kind").asText(), offer.toString());
        assertEquals("http://origin/app.pkg", offer.get("url").asText());
        assertEquals(5, offer.get("maxTries").asInt());
        assertTrue(offer.get("sessionKey").asText().matches("[0-9a-f]{64}"), "sealed by default: " + offer);
        assertTrue(json(created).get("sealed").asBoolean());
        assertFalse(created.body().contains(offer.get("sessionKey").asText()), "the admin view does not show the key");
        JsonNode early = json(call("GET", "/api/agent/offer?device=dev-2&platform=windows&product=app&version=0.9", FLEET, null));
        assertEquals("nothing", early.get("kind").asText(), "dev-2 waits for the 10 s wave: " + early);

        assertEquals(200, call("POST", "/api/agent/report", FLEET,
                "{\"deployment\":\"app-1.0\",\"device\":\"pilot-1\",\"state\":\"installed\",\"attempt\":1}").statusCode());
        JsonNode status = json(call("GET", "/api/products/app/status", ADMIN, null));
        assertEquals(1, status.at("/platforms/macos/installed").asInt(), status.toString());
        assertEquals(1, status.at("/platforms/windows/targeted").asInt(), status.toString());

        assertEquals("paused", json(call("POST", "/api/products/app/pause", ADMIN, null)).get("state").asText());
        clock.addAndGet(60_000);
        assertEquals("nothing", json(call("GET", "/api/agent/offer?device=dev-2&platform=windows&product=app", FLEET, null))
                .get("kind").asText(), "paused");
        assertEquals("running", json(call("POST", "/api/products/app/resume", ADMIN, null)).get("state").asText());
        clock.addAndGet(10_000);
        assertEquals("install", json(call("GET", "/api/agent/offer?device=dev-2&platform=windows&product=app", FLEET, null))
                .get("kind").asText());
    }

    @Test
    void everyReleaseGetsItsOwnKeyAndUnkeyedIsOnlyOnRequest() throws Exception {
        call("POST", "/api/deployments", ADMIN, CREATE);
        String first = json(call("GET", "/api/agent/offer?device=pilot-1&platform=macos&product=app", FLEET, null))
                .get("sessionKey").asText();
        call("POST", "/api/deployments", ADMIN, CREATE.replace("\"1.0\"", "\"1.1\"").replace("100%@+10s", "100%@+0s"));
        String second = json(call("GET", "/api/agent/offer?device=pilot-1&platform=macos&product=app", FLEET, null))
                .get("sessionKey").asText();
        assertTrue(second.matches("[0-9a-f]{64}") && !second.equals(first), first + " / " + second);
        call("POST", "/api/deployments", ADMIN, CREATE.replace("\"1.0\"", "\"1.2\"").replace("100%@+10s", "100%@+0s")
                .replace("{\"product\"", "{\"unkeyed\":true,\"product\""));
        JsonNode unkeyed = json(call("GET", "/api/agent/offer?device=pilot-1&platform=macos&product=app", FLEET, null));
        assertEquals("1.2", unkeyed.get("version").asText());
        assertFalse(unkeyed.has("sessionKey"), unkeyed.toString());
    }

    @Test
    void aDaemonWithoutProductsLearnsWhichProductsShipForItsPlatform() throws Exception {
        call("POST", "/api/deployments", ADMIN, CREATE);
        call("POST", "/api/deployments", ADMIN, CREATE.replace("\"app\"", "\"tool\"").replace("\"macos\"", "\"linux\""));
        assertEquals("[\"app\",\"tool\"]", json(call("GET", "/api/agent/products?platform=windows", FLEET, null))
                .get("products").toString());
        assertEquals("[\"app\"]", json(call("GET", "/api/agent/products?platform=macos", FLEET, null)).get("products").toString());
        // The latest release decides: tool 1.1 ships for windows only.
        call("POST", "/api/deployments", ADMIN, CREATE.replace("\"app\"", "\"tool\"").replace("\"1.0\"", "\"1.1\"")
                .replaceAll(",\\{\"platform\":\"macos\"[^}]*}", ""));
        assertEquals("[]", json(call("GET", "/api/agent/products?platform=linux", FLEET, null)).get("products").toString());
        assertEquals(401, call("GET", "/api/agent/products?platform=linux", "wrong-token-0123456789", null).statusCode());
        assertEquals(400, call("GET", "/api/agent/products?platform=beos", FLEET, null).statusCode());
    }

    @Test
    void tokensGuardEveryRoute() throws Exception {
        assertEquals(401, call("POST", "/api/deployments", null, CREATE).statusCode());
        assertEquals(401, call("POST", "/api/deployments", FLEET, CREATE).statusCode(), "agents cannot create");
        assertEquals(401, call("GET", "/api/agent/offer?device=d&platform=linux&product=app", "wrong-token-0123456789", null)
                .statusCode());
        assertEquals(401, call("POST", "/api/products/app/pause", FLEET, null).statusCode());
        HttpResponse<String> denied = call("GET", "/api/deployments", null, null);
        assertTrue(json(denied).get("error").asText().contains("admin token"), denied.body());
    }

    @Test
    void badInputGetsOneLineErrorsNeverATrace() throws Exception {
        String[][] cases = {
            {"POST", "/api/deployments", "not json"},
            {"POST", "/api/deployments", "[]"},
            {"POST", "/api/deployments", "{\"product\":\"app\",\"version\":\"1.0\"}"},
            {"POST", "/api/deployments", CREATE.replace("1.0", "one")},
            {"POST", "/api/deployments", CREATE.replace("100%@+10s", "50%@+10s")},
            {"POST", "/api/deployments", CREATE.replace("http://origin/app.msi", "file:///etc/passwd")},
            {"POST", "/api/deployments", CREATE.replace("\"app\"", "\"../../x\"")},
            {"GET", "/api/products/a%20b/status", null},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = call(c[0], c[1], ADMIN, c[2]);
            assertEquals(400, r.statusCode(), c[1] + " " + c[2] + " -> " + r.body());
            String error = json(r).get("error").asText();
            assertFalse(error.contains("\n") || error.contains("Exception") || error.contains("at io."), error);
        }
        assertEquals(404, call("GET", "/api/products/app/status", ADMIN, null).statusCode());
        assertEquals(404, call("GET", "/nothing", ADMIN, null).statusCode());
        assertEquals(405, call("DELETE", "/api/deployments", ADMIN, null).statusCode());
        assertEquals(413, call("POST", "/api/deployments", ADMIN, "{\"x\":\"" + "y".repeat(70_000) + "\"}").statusCode());
        assertEquals(400, call("POST", "/api/agent/report", FLEET,
                "{\"deployment\":\"nope\",\"device\":\"d\",\"state\":\"installed\"}").statusCode());
        assertEquals(400, call("GET", "/api/agent/offer?device=d&platform=amiga&product=app", FLEET, null).statusCode());
    }
}
