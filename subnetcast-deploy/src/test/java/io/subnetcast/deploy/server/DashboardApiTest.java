package io.subnetcast.deploy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.store.DeploymentStore;
import io.subnetcast.deploy.store.FleetDevice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dashboard stands on, over real HTTP: its files and headers, the devices API, /metrics. */
class DashboardApiTest {
    private static final String ADMIN = TestServer.ADMIN;
    private static final String FLEET = TestServer.FLEET;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATE = "{\"product\":\"app\",\"version\":\"1.0\",\"waves\":\"100%@+0s\","
            + "\"artifacts\":[{\"platform\":\"windows\",\"url\":\"http://origin/app.msi\",\"sha256\":\"" + "a".repeat(64)
            + "\"},{\"platform\":\"macos\",\"url\":\"http://origin/app.pkg\",\"sha256\":\"" + "b".repeat(64) + "\"}]}";

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private TestServer server;
    private DeploymentStore store;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, clock::get);
        store = server.store();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        return server.call(method, path, token, body);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("(none)");
    }

    @Test
    void thePageNeedsNoTokenHoldsNoDataAndForbidsInlineCodeFramingAndSniffing() throws Exception {
        assertEquals(201, call("POST", "/api/deployments", ADMIN, CREATE).statusCode());
        HttpResponse<String> page = call("GET", "/", null, null);
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type"));
        assertEquals(Dashboard.CONTENT_SECURITY_POLICY, header(page, "Content-Security-Policy"));
        assertTrue(Dashboard.CONTENT_SECURITY_POLICY.startsWith("default-src 'self';"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        assertEquals("DENY", header(page, "X-Frame-Options"));
        assertEquals("no-referrer", header(page, "Referrer-Policy"));
        assertTrue(page.body().contains("/dashboard.js") && !page.body().contains("app"), "no data in the page");
        assertFalse(page.body().contains("<script>") || page.body().contains("style="), "no inline code: the CSP forbids it");
        for (String file : new String[] {"/dashboard.js", "/dashboard.css", "/favicon.svg"}) {
            HttpResponse<String> r = call("GET", file, null, null);
            assertEquals(200, r.statusCode(), file);
            assertEquals("nosniff", header(r, "X-Content-Type-Options"), file);
        }
        assertFalse(call("GET", "/dashboard.js", null, null).body().contains("innerHTML"), "data goes in as text only");
        assertEquals(405, call("POST", "/", ADMIN, "{}").statusCode());
        assertEquals(404, call("GET", "/index.html/../../etc/passwd", ADMIN, null).statusCode());

        HttpResponse<String> denied = call("GET", "/api/deployments", null, null);
        assertEquals(401, denied.statusCode(), "the data needs the token");
        assertEquals("no-store", header(denied, "Cache-Control"));
        HttpResponse<String> api = call("GET", "/api/deployments", ADMIN, null);
        assertEquals("no-store", header(api, "Cache-Control"));
        assertEquals("nosniff", header(api, "X-Content-Type-Options"));
        assertTrue(header(api, "Content-Security-Policy").startsWith("default-src 'none'"));
    }

    @Test
    void devicesShowVersionAndLastReportFilteredByVersionAndBounded() throws Exception {
        assertEquals(201, call("POST", "/api/deployments", ADMIN, CREATE).statusCode());
        call("GET", "/api/agent/offer?device=win-1&platform=windows&product=app&version=0.9", FLEET, null);
        call("GET", "/api/agent/offer?device=mac-1&platform=macos&product=app", FLEET, null);
        call("GET", "/api/agent/offer?device=lin-1&platform=linux&product=app&version=0.9", FLEET, null);
        clock.addAndGet(1000);
        assertEquals(200, call("POST", "/api/agent/report", FLEET, "{\"deployment\":\"app-1.0\",\"device\":\"win-1\","
                + "\"state\":\"failed\",\"attempt\":1,\"reason\":\"exit 1603\"}").statusCode());
        assertEquals(200, call("POST", "/api/agent/report", FLEET, "{\"deployment\":\"app-1.0\",\"device\":\"mac-1\","
                + "\"state\":\"installed\",\"attempt\":1}").statusCode());

        JsonNode all = JSON.readTree(call("GET", "/api/products/app/devices", ADMIN, null).body());
        assertEquals("app-1.0", all.get("deployment").asText());
        assertEquals(DeploymentApi.MAX_DEVICE_ROWS, all.get("limit").asInt());
        assertFalse(all.get("truncated").asBoolean());
        assertEquals(3, all.get("devices").size(), all.toString());
        JsonNode lin = all.get("devices").get(0);
        assertEquals("lin-1", lin.get("device").asText());
        assertTrue(lin.get("state").isNull(), "linux is not shipped: not part of the deployment: " + lin);
        JsonNode mac = all.get("devices").get(1);
        assertEquals("installed", mac.get("state").asText());
        assertEquals("1.0", mac.get("version").asText(), "installed, so it runs 1.0");
        JsonNode win = all.get("devices").get(2);
        assertEquals("failed", win.get("state").asText());
        assertEquals("exit 1603", win.get("reason").asText());
        assertEquals("0.9", win.get("version").asText());
        assertEquals(1_800_000_001_000L, win.get("updatedAtMs").asLong());
        assertEquals(1_800_000_000_000L, win.get("lastSeenMs").asLong());

        JsonNode old = JSON.readTree(call("GET", "/api/products/app/devices?version=0.9", ADMIN, null).body());
        assertEquals(2, old.get("devices").size(), old.toString());
        assertEquals(400, call("GET", "/api/products/app/devices?version=%3Cscript%3E", ADMIN, null).statusCode());
        assertEquals(401, call("GET", "/api/products/app/devices", FLEET, null).statusCode());
        assertEquals(405, call("POST", "/api/products/app/devices", ADMIN, null).statusCode());
        JsonNode none = JSON.readTree(call("GET", "/api/products/other/devices", ADMIN, null).body());
        assertTrue(none.get("deployment").isNull() && none.get("devices").isEmpty(), none.toString());

        List<FleetDevice> two = store.fleet("app", "app-1.0", null, 2);
        assertEquals(List.of("lin-1", "mac-1"), two.stream().map(FleetDevice::deviceId).toList(), "bounded, by id");
        assertEquals(List.of("win-1"), store.fleet("app", "app-1.0", Version.parse("0.9"), 10).stream()
                .filter(f -> f.platform() == Platform.WINDOWS).map(FleetDevice::deviceId).toList());
    }

    @Test
    void metricsNeedTheAdminTokenHaveOnlyBoundedLabelsAndAreReadAtMostEveryFiveSeconds() throws Exception {
        assertEquals(401, call("GET", "/metrics", null, null).statusCode());
        assertEquals(401, call("GET", "/metrics", FLEET, null).statusCode(), "agents hold the fleet token");
        assertEquals(201, call("POST", "/api/deployments", ADMIN, CREATE).statusCode());
        call("GET", "/api/agent/offer?device=win-1&platform=windows&product=app", FLEET, null);
        call("GET", "/api/agent/offer?device=win-2&platform=windows&product=app", FLEET, null);
        call("POST", "/api/agent/report", FLEET, "{\"deployment\":\"app-1.0\",\"device\":\"win-1\",\"state\":\"installed\"}");

        HttpResponse<String> scrape = call("GET", "/metrics", ADMIN, null);
        assertEquals(200, scrape.statusCode());
        assertEquals(ServerMetrics.CONTENT_TYPE, header(scrape, "Content-Type"));
        assertEquals("no-store", header(scrape, "Cache-Control"));
        String text = scrape.body();
        assertTrue(text.contains("subnetcast_deployment_devices{platform=\"windows\",product=\"app\",state=\"installed\"} 1"), text);
        assertTrue(text.contains("subnetcast_deployment_devices{platform=\"windows\",product=\"app\",state=\"offered\"} 1"), text);
        assertTrue(text.contains("subnetcast_deployment_devices{platform=\"macos\",product=\"app\",state=\"failed\"} 0"), text);
        assertTrue(text.contains("subnetcast_deployment_state{product=\"app\",state=\"running\"} 1"), text);
        assertTrue(text.contains("subnetcast_deployment_state{product=\"app\",state=\"paused\"} 0"), text);
        assertTrue(text.contains("subnetcast_deployment_open_waves{product=\"app\"} 1"), text);
        assertTrue(text.contains("subnetcast_agent_polls_total{platform=\"windows\"} 2"), text);
        assertTrue(text.contains("subnetcast_agent_reports_total{state=\"installed\"} 1"), text);
        assertTrue(text.contains("subnetcast_api_errors_total{status=\"4xx\"} 2"), text);
        assertFalse(text.contains("win-1") || text.contains("device="), "no device ids as labels");
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && line.contains("{")) {
                String labels = line.substring(line.indexOf('{') + 1, line.indexOf('}'));
                for (String label : labels.split(",")) {
                    String name = label.substring(0, label.indexOf('='));
                    assertTrue(List.of("product", "platform", "state", "status").contains(name), line);
                }
            }
        }

        assertEquals(200, call("POST", "/api/products/app/pause", ADMIN, null).statusCode());
        assertTrue(call("GET", "/metrics", ADMIN, null).body()
                .contains("subnetcast_deployment_state{product=\"app\",state=\"running\"} 1"), "read again only after 5 s");
        clock.addAndGet(ServerMetrics.MIN_REFRESH_MS);
        String later = call("GET", "/metrics", ADMIN, null).body();
        assertTrue(later.contains("subnetcast_deployment_state{product=\"app\",state=\"paused\"} 1"), later);
        assertTrue(later.contains("subnetcast_deployment_state{product=\"app\",state=\"running\"} 0"), later);
    }
}
