package io.subnetcast.deploy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.HaltRule;
import io.subnetcast.deploy.model.Inputs;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.RolloutPlan;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import io.subnetcast.deploy.rollout.Offer;
import io.subnetcast.deploy.store.DeploymentStore;
import io.subnetcast.deploy.store.FleetDevice;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's JSON API, apart from HTTP: a request is a method, a path, its query, the
 * {@code Authorization} header and a body; the answer is a status and JSON. Changes need the admin
 * token; agents use the fleet token. Every field is checked, and bad input gets a 400 with a
 * one-line {@code error}, never a stack trace.
 *
 * <pre>
 * POST /api/deployments                      admin  create (and supersede the product's older one);
 *                                                   sealed with a fresh session key unless "unkeyed": true
 * GET  /api/deployments                      admin  every deployment with its progress
 * GET  /api/products/{product}/status        admin  the latest (or ?version=V) with its progress
 * GET  /api/products/{product}/devices[?version=V]   admin  the devices that asked for the product, by id,
 *                                                   at most {@value #MAX_DEVICE_ROWS} ("truncated": true when
 *                                                   more): version run, last seen, state/reason/time in the
 *                                                   latest deployment (state null: not part of it)
 * POST /api/products/{product}/pause|resume  admin
 * GET  /api/agent/products?platform=         fleet  the products deployed for that platform (a daemon
 *                                                   started without --product follows them all)
 * GET  /api/agent/offer?device=&amp;platform=&amp;product=[&amp;version=]   fleet
 * POST /api/agent/report                     fleet  {deployment, device, state, attempt, reason}
 * GET  /metrics                              admin  Prometheus text format ({@link ServerMetrics}); the
 *                                                   admin token, because it shows what the admin views show
 * </pre>
 *
 * <p>The HTTP edge ({@link DeploymentServer}) also serves the dashboard's static files at {@code /}
 * without a token; they hold no data, which the page reads through this API with the admin token.
 */
public final class DeploymentApi {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final DeploymentStore store;
    private final ApiTokens tokens;
    private final LongSupplier clockMs;
    private final ServerMetrics metrics;

    /**
     * @param store where the state lives
     * @param tokens the admin and fleet tokens
     * @param clockMs the wall clock in epoch ms
     */
    public DeploymentApi(DeploymentStore store, ApiTokens tokens, LongSupplier clockMs) {
        this.store = store;
        this.tokens = tokens;
        this.clockMs = clockMs;
        this.metrics = new ServerMetrics(store, clockMs);
    }

    /** @return the figures this API counts, served at {@code /metrics} */
    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Answers {@code GET /metrics}.
     *
     * @param method the HTTP method
     * @param authorization the {@code Authorization} header, or null
     * @return 200 with the figures in Prometheus' text format, or an error in plain text
     */
    public TextResponse scrape(String method, String authorization) {
        TextResponse answer;
        if (!tokens.isAdmin(authorization)) {
            answer = TextResponse.plain(401, "this needs the admin token as 'Authorization: Bearer TOKEN'");
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            answer = TextResponse.plain(405, "method " + Inputs.printable(method) + " is not allowed here");
        } else {
            try {
                answer = new TextResponse(200, ServerMetrics.CONTENT_TYPE, metrics.scrape());
            } catch (SQLException e) {
                LOG.error("database failure on /metrics", e);
                answer = TextResponse.plain(503, "the database failed: " + Inputs.printable(e.getMessage()));
            }
        }
        metrics.answered(answer.status());
        return answer;
    }

    /**
     * Answers one request.
     *
     * @param method the HTTP method
     * @param path the path, without the query
     * @param query the query's parameters (first value of each)
     * @param authorization the {@code Authorization} header, or null
     * @param body the request body, empty when none
     * @return the answer
     */
    public ApiResponse handle(String method, String path, Map<String, String> query, String authorization, byte[] body) {
        ApiResponse answer = answer(method, path, query, authorization, body);
        metrics.answered(answer.status());
        return answer;
    }

    private ApiResponse answer(String method, String path, Map<String, String> query, String authorization, byte[] body) {
        try {
            return route(method, path, query, authorization, body);
        } catch (InvalidInputException e) {
            return ApiResponse.error(400, e.getMessage());
        } catch (SQLException e) {
            LOG.error("database failure on {} {}", method, Inputs.printable(path), e);
            return ApiResponse.error(503, "the database failed: " + Inputs.printable(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("failure on {} {}", method, Inputs.printable(path), e);
            return ApiResponse.error(500, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
        }
    }

    private ApiResponse route(String method, String path, Map<String, String> query, String authorization, byte[] body)
            throws SQLException {
        String[] parts = path.split("/", -1);
        boolean agentPath = path.startsWith("/api/agent/");
        if (agentPath ? !tokens.isFleet(authorization) : !tokens.isAdmin(authorization)) {
            return ApiResponse.error(401, "this needs the " + (agentPath ? "fleet" : "admin") + " token as 'Authorization: Bearer TOKEN'");
        }
        if (path.equals("/api/deployments")) {
            return switch (method) {
                case "POST" -> created(create(parse(body)));
                case "GET" -> ApiResponse.ok(all());
                default -> notAllowed(method);
            };
        }
        if (parts.length == 5 && parts[1].equals("api") && parts[2].equals("products")) {
            String product = Inputs.name("product", parts[3]);
            return switch (parts[4]) {
                case "status" -> method.equals("GET") ? status(product, query.get("version")) : notAllowed(method);
                case "devices" -> method.equals("GET") ? ApiResponse.ok(devices(product, query.get("version"))) : notAllowed(method);
                case "pause", "resume" -> method.equals("POST")
                        ? ApiResponse.ok(view(store.pauseOrResume(product, parts[4].equals("pause"), clockMs.getAsLong())))
                        : notAllowed(method);
                default -> ApiResponse.error(404, "no such resource");
            };
        }
        if (path.equals("/api/agent/products")) {
            return method.equals("GET") ? ApiResponse.ok(products(Platform.parse(query.get("platform")))) : notAllowed(method);
        }
        if (path.equals("/api/agent/offer")) {
            return method.equals("GET") ? ApiResponse.ok(offer(query)) : notAllowed(method);
        }
        if (path.equals("/api/agent/report")) {
            return method.equals("POST") ? report(parse(body)) : notAllowed(method);
        }
        return ApiResponse.error(404, "no such resource");
    }

    private static ApiResponse notAllowed(String method) {
        return ApiResponse.error(405, "method " + Inputs.printable(method) + " is not allowed here");
    }

    private static ApiResponse created(JsonNode body) {
        return new ApiResponse(201, body);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidInputException("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the body is not valid JSON: " + Inputs.printable(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new InvalidInputException("the body cannot be read");
        }
    }

    // ---------------------------------------------------------------- admin

    private JsonNode create(JsonNode body) throws SQLException {
        String product = Inputs.name("product", text(body, "product", true));
        Version version = Version.parse(text(body, "version", true));
        List<Artifact> artifacts = new ArrayList<>();
        JsonNode list = body.get("artifacts");
        if (list == null || !list.isArray() || list.size() == 0 || list.size() > Platform.values().length) {
            throw new InvalidInputException("artifacts must be a list of 1-3 {platform, url, sha256[, manifestUrl, manifestSha256]}");
        }
        for (JsonNode a : list) {
            Artifact artifact = new Artifact(Platform.parse(text(a, "platform", true)),
                    Inputs.httpUrl("artifact URL", text(a, "url", true)), Inputs.sha256("artifact SHA-256", text(a, "sha256", true)),
                    null, null);
            String manifestUrl = text(a, "manifestUrl", false);
            if (manifestUrl != null || text(a, "manifestSha256", false) != null) {
                artifact = artifact.withManifest(artifact.platform().label() + "=" + manifestUrl + "#" + text(a, "manifestSha256", true));
            }
            artifacts.add(artifact);
        }
        Set<String> pilot = new LinkedHashSet<>();
        JsonNode pilots = body.get("pilot");
        if (pilots != null && !pilots.isNull()) {
            if (!pilots.isArray() || pilots.size() > RolloutPlan.MAX_PILOT) {
                throw new InvalidInputException("pilot must be a list of at most " + RolloutPlan.MAX_PILOT + " device ids");
            }
            pilots.forEach(p -> pilot.add(Inputs.name("pilot device id", p.asText())));
        }
        String waves = text(body, "waves", false);
        JsonNode halt = body.get("halt");
        HaltRule haltRule = halt == null || halt.isNull() ? null
                : new HaltRule(integer(halt, "failurePercent"), integer(halt, "minAttempts"));
        int gate = body.has("successGatePercent") ? integer(body, "successGatePercent") : 0;
        RolloutPlan plan = new RolloutPlan(pilot, waves == null ? RolloutPlan.everyoneNow().waves() : Wave.parseList(waves),
                gate, haltRule, null);
        String id = product + "-" + version.text();
        if (id.length() > 64) {
            throw new InvalidInputException("product and version are too long together (at most 63 characters)");
        }
        Deployment deployment = Deployment.start(id, Release.of(product, version, artifacts), plan, clockMs.getAsLong());
        JsonNode unkeyed = body.get("unkeyed");
        if (unkeyed != null && !unkeyed.isBoolean()) {
            throw new InvalidInputException("field 'unkeyed' must be true or false");
        }
        if (unkeyed == null || !unkeyed.booleanValue()) {
            // Sealed by default: every session of this release is authenticated with a key that only
            // the devices it is offered to receive, over this authenticated API.
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            deployment = deployment.withSessionKey(java.util.HexFormat.of().formatHex(key));
        }
        store.create(deployment);
        LOG.info("deployment {} created: {} to {}", id, version, artifacts.stream().map(a -> a.platform().label()).toList());
        return view(deployment);
    }

    private JsonNode all() throws SQLException {
        ArrayNode out = NODES.arrayNode();
        for (Deployment d : store.all()) {
            out.add(view(d));
        }
        return NODES.objectNode().set("deployments", out);
    }

    private ApiResponse status(String product, String version) throws SQLException {
        Deployment d = version == null ? store.latest(product) : store.find(product, Version.parse(version));
        if (d == null) {
            return ApiResponse.error(404, "no deployment of " + product + (version == null ? "" : " " + Inputs.printable(version)));
        }
        return ApiResponse.ok(view(d));
    }

    /** Most devices that {@code GET /api/products/{product}/devices} lists. */
    public static final int MAX_DEVICE_ROWS = 1000;

    private JsonNode devices(String product, String version) throws SQLException {
        Version only = version == null || version.isEmpty() ? null : Version.parse(version);
        Deployment latest = store.latest(product);
        List<FleetDevice> rows = store.fleet(product, latest == null ? null : latest.id(), only, MAX_DEVICE_ROWS + 1);
        ObjectNode out = NODES.objectNode();
        out.put("product", product).put("deployment", latest == null ? null : latest.id())
                .put("version", latest == null ? null : latest.release().version().text())
                .put("limit", MAX_DEVICE_ROWS).put("truncated", rows.size() > MAX_DEVICE_ROWS);
        ArrayNode list = out.putArray("devices");
        for (FleetDevice f : rows.subList(0, Math.min(rows.size(), MAX_DEVICE_ROWS))) {
            ObjectNode row = list.addObject();
            row.put("device", f.deviceId()).put("platform", f.platform().label()).put("version", f.version())
                    .put("lastSeenMs", f.lastSeenMs());
            DeviceRecord r = f.record();
            row.put("state", r == null ? null : r.state().label()).put("failures", r == null ? 0 : r.failures())
                    .put("reason", r == null ? "" : r.reason());
            if (r != null) {
                row.put("updatedAtMs", r.updatedAtMs());
            } else {
                row.putNull("updatedAtMs");
            }
        }
        return out;
    }

    /** A deployment with its progress per platform. */
    private ObjectNode view(Deployment d) throws SQLException {
        ObjectNode out = NODES.objectNode();
        out.put("id", d.id()).put("product", d.release().product()).put("version", d.release().version().text())
                .put("state", d.state().label()).put("reason", d.reason()).put("openWaves", d.openWaves())
                .put("waves", d.plan().waves().size()).put("createdAtMs", d.createdAtMs())
                .put("sealed", !d.sessionKeyHex().isEmpty()); // the key itself goes to devices only
        ObjectNode platforms = out.putObject("platforms");
        Map<Platform, Map<DeviceState, Integer>> progress = store.counts(d.id()); // counted by the database
        for (Platform p : d.release().artifacts().keySet()) {
            ObjectNode counts = platforms.putObject(p.label());
            Map<DeviceState, Integer> byState = progress.getOrDefault(p, Map.of());
            for (DeviceState s : DeviceState.values()) {
                counts.put(s.label(), byState.getOrDefault(s, 0));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- agents

    private JsonNode products(Platform platform) throws SQLException {
        ArrayNode out = NODES.arrayNode();
        store.productsFor(platform).forEach(out::add);
        return NODES.objectNode().set("products", out);
    }

    private JsonNode offer(Map<String, String> query) throws SQLException {
        String device = Inputs.name("device", query.get("device"));
        Platform platform = Platform.parse(query.get("platform"));
        String product = Inputs.name("product", query.get("product"));
        String installed = query.get("version");
        DeploymentStore.Answer answer = store.poll(device, platform, product,
                installed == null || installed.isEmpty() ? null : Version.parse(installed), clockMs.getAsLong());
        Offer offer = answer.offer();
        metrics.polled(platform);
        ObjectNode out = NODES.objectNode();
        out.put("kind", offer.kind().name().toLowerCase(java.util.Locale.ROOT)).put("why", offer.why());
        if (offer.artifact() != null) {
            Deployment d = answer.deployment();
            out.put("deployment", d.id()).put("product", d.release().product()).put("version", d.release().version().text())
                    .put("url", offer.artifact().url().toString()).put("sha256", offer.artifact().sha256())
                    .put("notBeforeMs", offer.notBeforeMs())
                    .put("retryInMs", Math.max(0, offer.notBeforeMs() - clockMs.getAsLong())) // device clocks differ
                    .put("maxTries", offer.retry().maxTries())
                    .put("firstBackoffMs", offer.retry().firstBackoff().toMillis());
            if (!d.sessionKeyHex().isEmpty()) {
                out.put("sessionKey", d.sessionKeyHex());
            }
            if (offer.artifact().manifestUrl() != null) {
                out.put("manifestUrl", offer.artifact().manifestUrl().toString())
                        .put("manifestSha256", offer.artifact().manifestSha256());
            }
        }
        return out;
    }

    private ApiResponse report(JsonNode body) throws SQLException {
        String deployment = Inputs.name("deployment", text(body, "deployment", true));
        String device = Inputs.name("device", text(body, "device", true));
        DeviceState state = DeviceState.parseReported(text(body, "state", true));
        int attempt = body.has("attempt") ? integer(body, "attempt") : 1;
        String reason = text(body, "reason", false);
        store.report(deployment, device, state, attempt, reason == null ? "" : Inputs.printable(reason), clockMs.getAsLong());
        metrics.reported(state);
        return ApiResponse.ok(NODES.objectNode().put("accepted", true));
    }

    // ---------------------------------------------------------------- fields

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidInputException("missing field '" + field + "'");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().length() > 4096) {
            throw new InvalidInputException("field '" + field + "' must be a string of at most 4096 characters");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidInputException("field '" + field + "' must be an integer");
        }
        return value.intValue();
    }
}
