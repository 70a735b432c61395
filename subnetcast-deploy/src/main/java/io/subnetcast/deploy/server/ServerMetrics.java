package io.subnetcast.deploy.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.store.DeploymentStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The server's figures for Prometheus ({@code GET /metrics}, text format 0.0.4). Labels are bounded:
 * only {@code product} (names an admin created), {@code platform} and {@code state} (enums), and the
 * status class of errors; never a device id or anything else an agent chooses freely.
 *
 * <pre>
 * subnetcast_deployment_devices{product,platform,state}  devices of each product's latest deployment
 * subnetcast_deployment_state{product,state}             1 for the latest deployment's state, 0 for the others
 * subnetcast_deployment_open_waves{product}              waves open (0: the pilot only)
 * subnetcast_deployment_waves{product}                   waves planned
 * subnetcast_agent_polls_total{platform}                 offers answered
 * subnetcast_agent_reports_total{state}                  reports accepted
 * subnetcast_api_errors_total{status}                    answers of class 4xx or 5xx
 * </pre>
 *
 * <p>The deployment gauges are read from the database when scraped, not kept up to date by every
 * request: the server keeps no state outside its database (several instances may share it), so a
 * figure kept in memory would count only this instance's requests. A scrape costs one query for the
 * deployments and one grouped count per product; within {@value #MIN_REFRESH_MS} ms of the last one
 * the figures are reused, so that several scrapers do not multiply the load.
 */
public final class ServerMetrics {
    /** Shortest time between two reads of the database for the gauges. */
    public static final long MIN_REFRESH_MS = 5_000;
    /** The content type of {@link #scrape()}: Prometheus' text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final DeploymentStore store;
    private final LongSupplier clockMs;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Platform, Counter> polls = new EnumMap<>(Platform.class);
    private final Map<DeviceState, Counter> reports = new EnumMap<>(DeviceState.class);
    private final Counter clientErrors;
    private final Counter serverErrors;
    private final MultiGauge devices;
    private final MultiGauge states;
    private final MultiGauge openWaves;
    private final MultiGauge waves;
    private long refreshedAtMs = Long.MIN_VALUE;

    /**
     * @param store where the deployment gauges are read from
     * @param clockMs a clock in ms, for the refresh interval
     */
    public ServerMetrics(DeploymentStore store, LongSupplier clockMs) {
        this.store = store;
        this.clockMs = clockMs;
        for (Platform p : Platform.values()) {
            polls.put(p, Counter.builder("subnetcast.agent.polls").description("offers answered to agents")
                    .tag("platform", p.label()).register(registry));
        }
        for (DeviceState s : DeviceState.values()) {
            if (s != DeviceState.TARGETED) { // never reported
                reports.put(s, Counter.builder("subnetcast.agent.reports").description("reports accepted from agents")
                        .tag("state", s.label()).register(registry));
            }
        }
        clientErrors = Counter.builder("subnetcast.api.errors").description("API answers with an error status")
                .tag("status", "4xx").register(registry);
        serverErrors = Counter.builder("subnetcast.api.errors").description("API answers with an error status")
                .tag("status", "5xx").register(registry);
        devices = MultiGauge.builder("subnetcast.deployment.devices")
                .description("devices of each product's latest deployment, by platform and state").register(registry);
        states = MultiGauge.builder("subnetcast.deployment.state")
                .description("1 for the state of each product's latest deployment, 0 for the others").register(registry);
        openWaves = MultiGauge.builder("subnetcast.deployment.open.waves")
                .description("waves open in each product's latest deployment (0: the pilot only)").register(registry);
        waves = MultiGauge.builder("subnetcast.deployment.waves")
                .description("waves planned in each product's latest deployment").register(registry);
    }

    /** Counts an offer answered to an agent of {@code platform}. */
    void polled(Platform platform) {
        polls.get(platform).increment();
    }

    /** Counts an accepted report of {@code state}. */
    void reported(DeviceState state) {
        Counter c = reports.get(state);
        if (c != null) {
            c.increment();
        }
    }

    /** Counts an answer with {@code status}, if it is an error. */
    void answered(int status) {
        if (status >= 500) {
            serverErrors.increment();
        } else if (status >= 400) {
            clientErrors.increment();
        }
    }

    /**
     * Reads the deployment gauges from the store (unless read within {@link #MIN_REFRESH_MS}) and
     * writes every figure.
     *
     * @return the figures in Prometheus' text format ({@link #CONTENT_TYPE})
     * @throws SQLException when the database fails
     */
    public synchronized String scrape() throws SQLException {
        long now = clockMs.getAsLong();
        if (refreshedAtMs == Long.MIN_VALUE || now - refreshedAtMs >= MIN_REFRESH_MS || now < refreshedAtMs) {
            refresh();
            refreshedAtMs = now;
        }
        return registry.scrape();
    }

    private void refresh() throws SQLException {
        List<MultiGauge.Row<?>> deviceRows = new ArrayList<>();
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        List<MultiGauge.Row<?>> openRows = new ArrayList<>();
        List<MultiGauge.Row<?>> waveRows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Deployment d : store.all()) { // newest first per product: the first of each is its latest
            String product = d.release().product();
            if (!seen.add(product)) {
                continue;
            }
            Map<Platform, Map<DeviceState, Integer>> counts = store.counts(d.id());
            for (Platform p : d.release().artifacts().keySet()) {
                Map<DeviceState, Integer> byState = counts.getOrDefault(p, Map.of());
                for (DeviceState s : DeviceState.values()) {
                    deviceRows.add(MultiGauge.Row.of(Tags.of("product", product, "platform", p.label(), "state", s.label()),
                            byState.getOrDefault(s, 0)));
                }
            }
            for (DeploymentState s : DeploymentState.values()) {
                stateRows.add(MultiGauge.Row.of(Tags.of("product", product, "state", s.label()), d.state() == s ? 1 : 0));
            }
            openRows.add(MultiGauge.Row.of(Tags.of("product", product), d.openWaves()));
            waveRows.add(MultiGauge.Row.of(Tags.of("product", product), d.plan().waves().size()));
        }
        // overwrite: a product's platforms change with its latest release; rows not listed now go
        devices.register(deviceRows, true);
        states.register(stateRows, true);
        openWaves.register(openRows, true);
        waves.register(waveRows, true);
    }
}
