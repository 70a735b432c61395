package io.subnetcast.deploy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.subnetcast.core.testing.Skips;
import io.subnetcast.deploy.store.DeploymentStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium: a deployment of "agent" to three platforms with
 * devices in every state, read back from the page (bars, state, wave, a device row), then paused
 * and resumed with the page's buttons. Skips without a Chromium binary (fails on CI instead).
 *
 * <p>With {@code -Dsubnetcast.dashboard.screenshot=FILE} it also saves a PNG of the page, the one
 * the README shows.
 */
class DashboardBrowserTest {
    private static final String ADMIN = "admin-token-0123456789";
    private static final String FLEET = "fleet-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PLATFORMS = {"windows", "macos", "linux"};
    /** A reason an agent may send: markup that must show as text and never run. */
    private static final String HOSTILE = "<img src=x onerror=\"window.pwned=1\"> exit 3";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;

    @Test
    @Timeout(180)
    void showsProgressStateWaveAndDevicesAndItsButtonsPauseAndResume() throws Exception {
        Path chromium = HeadlessChromium.find();
        Skips.unless(chromium != null, "no chromium binary on the PATH (apt-get install chromium)");
        DeploymentApi api = new DeploymentApi(DeploymentStore.openSqlite(dir.resolve("data")), new ApiTokens(ADMIN, FLEET),
                System::currentTimeMillis); // real time: the page shows report times relative to its own clock
        try (DeploymentServer server = DeploymentServer.start(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            base = "http://127.0.0.1:" + server.address().getPort();
            Map<String, Integer> expected = fleet();
            HeadlessChromium browser = HeadlessChromium.launch(chromium, Files.createDirectories(dir.resolve("browser")));
            try {
                browser.open(base + "/");
                browser.waitUntil("!document.getElementById('login').hidden");
                assertEquals(0, browser.eval("document.querySelectorAll('section.product').length").asInt(),
                        "no data before the token");

                browser.type("#token", ADMIN);
                browser.click("#login button[type=submit]");
                browser.waitUntil("document.querySelector('section[data-product=\"agent\"] tr[data-device]') !== null");
                assertTrue(browser.eval("document.getElementById('login').hidden").asBoolean());
                assertEquals(ADMIN, browser.eval("sessionStorage.getItem('subnetcast.adminToken')").asText());

                assertEquals(expected, barsOnPage(browser), "the bars' numbers");
                assertEquals(expected, barsFromApi(), "the API's numbers");
                String agent = "section[data-product=\"agent\"]";
                assertEquals("2.0", text(browser, agent + " .version"));
                assertEquals("running", text(browser, agent + " [data-field=state]"));
                assertEquals("wave 1 of 2 open", text(browser, agent + " [data-field=wave]"));
                assertEquals("Older deployments (1)", text(browser, agent + " details.older summary"));
                for (String platform : PLATFORMS) {
                    int total = 0;
                    for (Map.Entry<String, Integer> e : expected.entrySet()) {
                        total += e.getKey().startsWith(platform + "/") ? e.getValue() : 0;
                    }
                    assertEquals(total, browser.eval("Number(document.querySelector('" + agent.replace("\"", "\\\"")
                            + " .platform[data-platform=" + platform + "] .bar').dataset.total)").asInt(), platform);
                }

                String row = agent + " tr[data-device=\"windows-01\"]";
                assertEquals("failed", text(browser, row + " td[data-col=state]"));
                assertEquals("installer exited with 1603", text(browser, row + " td[data-col=reason]"));
                assertEquals("1.9", text(browser, row + " td[data-col=version]"));
                assertTrue(text(browser, row + " td[data-col=updated]").matches("\\d+ s ago"),
                        text(browser, row + " td[data-col=updated]"));
                assertTrue(browser.eval("document.querySelector(" + HeadlessChromium.quote(row + " td[data-col=updated]")
                        + ").title").asText().matches("20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"), "the full time");
                assertEquals("installed", text(browser, agent + " tr[data-device=\"windows-00\"] td[data-col=state]"));
                assertEquals("2.0", text(browser, agent + " tr[data-device=\"windows-00\"] td[data-col=version]"));
                assertEquals(HOSTILE, text(browser, agent + " tr[data-device=\"linux-01\"] td[data-col=reason]"),
                        "an agent's markup shows as text");
                assertTrue(browser.eval("window.pwned === undefined && document.querySelector('tbody img') === null")
                        .asBoolean(), "and never runs");

                int before = browser.eval("Number(document.body.dataset.refreshes)").asInt();
                browser.click(agent + " button.pause");
                assertEquals("paused", awaitServerState("paused"));
                browser.waitUntil("Number(document.body.dataset.refreshes) > " + before + " && document.querySelector('"
                        + agent.replace("\"", "\\\"") + " [data-field=state]').textContent === 'paused'");
                assertEquals("paused by an admin", text(browser, agent + " [data-field=reason]"));
                assertTrue(browser.eval("document.querySelector('" + agent.replace("\"", "\\\"") + " button.pause').disabled")
                        .asBoolean(), "nothing to pause");

                browser.click(agent + " button.resume");
                assertEquals("running", awaitServerState("running"));
                browser.waitUntil("document.querySelector('" + agent.replace("\"", "\\\"")
                        + " [data-field=state]').textContent === 'running'");

                // Scripted use: the token once in the fragment, gone from the address at once.
                browser.eval("sessionStorage.clear()");
                browser.blank();
                browser.open(base + "/#token=" + ADMIN);
                browser.waitUntil("document.querySelector('section[data-product=\"agent\"] tr[data-device]') !== null");
                assertFalse(browser.eval("location.href").asText().contains(ADMIN), "the token left the address bar");
                assertEquals(expected, barsOnPage(browser));

                assertEquals("[]", browser.problems().toString(), "no script error, console error or blocked load");
                String shot = System.getProperty("subnetcast.dashboard.screenshot");
                if (shot != null && !shot.isBlank()) {
                    // For the README: linux-01 retried (linux does) and failed again, for a reason a reader recognises.
                    report("linux-01", "failed", 2, "dpkg: dependency problems prevent configuration of agent");
                    browser.waitUntil("document.querySelector('tr[data-device=\"linux-01\"] td[data-col=reason]')"
                            + ".textContent.startsWith('dpkg')");
                    browser.eval("document.querySelector('details.older').open = true");
                    Files.write(Path.of(shot), browser.screenshot(1180));
                }
            } finally {
                browser.close();
            }
        }
    }

    /**
     * agent 1.9 (superseded), then 2.0 with a pilot and two waves (50% now, everyone in a day), and
     * eight devices per platform that ask while 1.9 runs: the pilot and the first wave's devices are
     * offered 2.0 and report in turn installed, failed, downloading or nothing; the others wait.
     *
     * @return per "platform/state", how many devices are in it
     */
    private Map<String, Integer> fleet() throws Exception {
        assertEquals(201, post("/api/deployments", ADMIN, create("1.9", "100%@+0s")).statusCode());
        HttpResponse<String> created = post("/api/deployments", ADMIN, create("2.0", "50%@+0s,100%@+1d"));
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Integer> counts = new TreeMap<>();
        for (String platform : PLATFORMS) {
            for (String state : new String[] {"targeted", "offered", "downloading", "installed", "failed"}) {
                counts.put(platform + "/" + state, 0);
            }
            int offered = 0;
            for (int i = 0; i < 8; i++) {
                String device = platform + "-" + String.format("%02d", i);
                JsonNode offer = JSON.readTree(get("/api/agent/offer?device=" + device + "&platform=" + platform
                        + "&product=agent&version=1.9", FLEET).body());
                if (!offer.path("kind").asText().equals("install")) {
                    counts.merge(platform + "/targeted", 1, Integer::sum);
                    continue;
                }
                // The pilot devices (00 and 01 of each platform) are always among the offered.
                String state = switch (offered++ % 4) {
                    case 0 -> "installed";
                    case 1 -> "failed";
                    case 2 -> "downloading";
                    default -> "offered";
                };
                if (!state.equals("offered")) {
                    report(device, "downloading", 1, "");
                }
                if (state.equals("installed") || state.equals("failed")) {
                    report(device, state, 1, platform.equals("linux") ? HOSTILE
                            : platform.equals("windows") ? "installer exited with 1603" : "installer: disk full (exit 1)");
                }
                counts.merge(platform + "/" + state, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static String create(String version, String waves) {
        StringBuilder artifacts = new StringBuilder();
        for (String p : PLATFORMS) {
            artifacts.append(artifacts.length() == 0 ? "" : ",").append("{\"platform\":\"").append(p)
                    .append("\",\"url\":\"http://origin.example/agent-").append(version).append("-").append(p)
                    .append(".bin\",\"sha256\":\"").append("c".repeat(64)).append("\"}");
        }
        return "{\"product\":\"agent\",\"version\":\"" + version + "\",\"waves\":\"" + waves + "\","
                + "\"pilot\":[\"windows-00\",\"windows-01\",\"macos-00\",\"macos-01\",\"linux-00\",\"linux-01\"],"
                + "\"artifacts\":[" + artifacts + "]}";
    }

    private void report(String device, String state, int attempt, String reason) throws Exception {
        HttpResponse<String> r = post("/api/agent/report", FLEET, JSON.createObjectNode().put("deployment", "agent-2.0")
                .put("device", device).put("state", state).put("attempt", attempt).put("reason", reason).toString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static Map<String, Integer> barsOnPage(HeadlessChromium browser) throws Exception {
        JsonNode items = browser.eval("Array.from(document.querySelectorAll('section[data-product=\"agent\"] .platform li'))"
                + ".map(li => [li.closest('.platform').dataset.platform + '/' + li.dataset.state,"
                + " Number(li.dataset.count), Number(li.querySelector('.count').textContent)])");
        Map<String, Integer> out = new TreeMap<>();
        for (JsonNode item : items) {
            assertEquals(item.get(1).asInt(), item.get(2).asInt(), "the shown count is the data attribute's: " + item);
            out.put(item.get(0).asText(), item.get(1).asInt());
        }
        return out;
    }

    private Map<String, Integer> barsFromApi() throws Exception {
        JsonNode status = JSON.readTree(get("/api/products/agent/status", ADMIN).body());
        Map<String, Integer> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> p : status.get("platforms").properties()) {
            for (Map.Entry<String, JsonNode> s : p.getValue().properties()) {
                out.put(p.getKey() + "/" + s.getKey(), s.getValue().asInt());
            }
        }
        return out;
    }

    private String awaitServerState(String state) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> JSON.readTree(get("/api/products/agent/status", ADMIN).body()).get("state").asText().equals(state));
        return state;
    }

    private static String text(HeadlessChromium browser, String selector) {
        JsonNode value = browser.eval("(() => { const e = document.querySelector(" + HeadlessChromium.quote(selector)
                + "); return e === null ? null : e.textContent; })()");
        assertFalse(value.isNull(), "nothing matches " + selector);
        return value.asText();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
