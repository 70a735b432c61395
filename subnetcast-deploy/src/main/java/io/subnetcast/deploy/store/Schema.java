package io.subnetcast.deploy.store;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.HaltRule;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.RetryRule;
import io.subnetcast.deploy.model.RolloutPlan;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tables, in SQL both SQLite and PostgreSQL accept, and how model values map to rows. */
final class Schema {
    static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS deployments (id VARCHAR(64) PRIMARY KEY, product VARCHAR(64) NOT NULL,"
                    + " version VARCHAR(80) NOT NULL, created_at_ms BIGINT NOT NULL, state VARCHAR(16) NOT NULL,"
                    + " reason VARCHAR(512) NOT NULL, open_waves INTEGER NOT NULL, paused_total_ms BIGINT NOT NULL,"
                    + " paused_since_ms BIGINT NOT NULL, pilot TEXT NOT NULL, waves TEXT NOT NULL,"
                    + " gate_percent INTEGER NOT NULL, halt_percent INTEGER NOT NULL, halt_min_attempts INTEGER NOT NULL,"
                    + " retry TEXT NOT NULL, session_key VARCHAR(64) NOT NULL, UNIQUE (product, version))",
            "CREATE TABLE IF NOT EXISTS artifacts (deployment_id VARCHAR(64) NOT NULL REFERENCES deployments(id),"
                    + " platform VARCHAR(16) NOT NULL, url VARCHAR(2048) NOT NULL, sha256 CHAR(64) NOT NULL,"
                    + " manifest_url VARCHAR(2048), manifest_sha256 CHAR(64), PRIMARY KEY (deployment_id, platform))",
            "CREATE TABLE IF NOT EXISTS device_records (deployment_id VARCHAR(64) NOT NULL REFERENCES deployments(id),"
                    + " device_id VARCHAR(64) NOT NULL, platform VARCHAR(16) NOT NULL, state VARCHAR(16) NOT NULL,"
                    + " failures INTEGER NOT NULL, reason VARCHAR(512) NOT NULL, updated_at_ms BIGINT NOT NULL,"
                    + " PRIMARY KEY (deployment_id, device_id))",
            "CREATE TABLE IF NOT EXISTS devices (device_id VARCHAR(64) NOT NULL, product VARCHAR(64) NOT NULL,"
                    + " platform VARCHAR(16) NOT NULL, version VARCHAR(80), last_seen_ms BIGINT NOT NULL,"
                    + " PRIMARY KEY (device_id, product))");

    private Schema() {
    }

    /** Reads and writes rows. */
    static final class Codec {
        private static final String DEPLOYMENT_COLUMNS = "id, product, version, created_at_ms, state, reason, open_waves,"
                + " paused_total_ms, paused_since_ms, pilot, waves, gate_percent, halt_percent, halt_min_attempts, retry, session_key";

        void insert(Connection c, Deployment d) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO deployments (" + DEPLOYMENT_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                RolloutPlan plan = d.plan();
                ps.setString(1, d.id());
                ps.setString(2, d.release().product());
                ps.setString(3, d.release().version().text());
                ps.setLong(4, d.createdAtMs());
                ps.setString(5, d.state().name());
                ps.setString(6, d.reason());
                ps.setInt(7, d.openWaves());
                ps.setLong(8, d.pausedTotalMs());
                ps.setLong(9, d.pausedSinceMs());
                ps.setString(10, String.join(",", plan.pilot()));
                ps.setString(11, wavesText(plan.waves()));
                ps.setInt(12, plan.successGatePercent());
                ps.setInt(13, plan.haltRule() == null ? 0 : plan.haltRule().failurePercent());
                ps.setInt(14, plan.haltRule() == null ? 0 : plan.haltRule().minAttempts());
                ps.setString(15, retryText(plan.retry()));
                ps.setString(16, d.sessionKeyHex());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifacts (deployment_id, platform, url, sha256,"
                    + " manifest_url, manifest_sha256) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Artifact a : DeploymentStore.artifacts(d.release())) {
                    ps.setString(1, d.id());
                    ps.setString(2, a.platform().name());
                    ps.setString(3, a.url().toString());
                    ps.setString(4, a.sha256());
                    ps.setString(5, a.manifestUrl() == null ? null : a.manifestUrl().toString());
                    ps.setString(6, a.manifestSha256());
                    ps.executeUpdate();
                }
            }
        }

        void updateState(Connection c, Deployment d) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deployments SET state = ?, reason = ?, open_waves = ?,"
                    + " paused_total_ms = ?, paused_since_ms = ? WHERE id = ?")) {
                ps.setString(1, d.state().name());
                ps.setString(2, d.reason().length() > 500 ? d.reason().substring(0, 500) : d.reason());
                ps.setInt(3, d.openWaves());
                ps.setLong(4, d.pausedTotalMs());
                ps.setLong(5, d.pausedSinceMs());
                ps.setString(6, d.id());
                ps.executeUpdate();
            }
        }

        Deployment byId(Connection c, String id) throws SQLException {
            List<Deployment> found = select(c, "WHERE id = ?", id);
            return found.isEmpty() ? null : found.get(0);
        }

        /** @return the product's deployments, highest version first */
        List<Deployment> byProduct(Connection c, String product) throws SQLException {
            return select(c, "WHERE product = ?", product);
        }

        List<Deployment> all(Connection c) throws SQLException {
            return select(c, "", null);
        }

        private List<Deployment> select(Connection c, String where, String arg) throws SQLException {
            List<Deployment> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DEPLOYMENT_COLUMNS + " FROM deployments " + where)) {
                if (arg != null) {
                    ps.setString(1, arg);
                }
                for (Object[] row : DeploymentStore.query(ps, Codec::deploymentRow)) {
                    out.add(deployment(c, row));
                }
            }
            out.sort(Comparator.comparing((Deployment d) -> d.release().product())
                    .thenComparing((Deployment d) -> d.release().version(), Comparator.reverseOrder()));
            return out;
        }

        private static Object[] deploymentRow(ResultSet rs) throws SQLException {
            Object[] row = new Object[16];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getObject(i + 1);
            }
            return row;
        }

        private Deployment deployment(Connection c, Object[] row) throws SQLException {
            String id = (String) row[0];
            Map<Platform, Artifact> artifacts = new EnumMap<>(Platform.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT platform, url, sha256, manifest_url, manifest_sha256"
                    + " FROM artifacts WHERE deployment_id = ?")) {
                ps.setString(1, id);
                for (Artifact a : DeploymentStore.query(ps, rs -> new Artifact(Platform.valueOf(rs.getString(1)),
                        URI.create(rs.getString(2)), rs.getString(3),
                        rs.getString(4) == null ? null : URI.create(rs.getString(4)), rs.getString(5)))) {
                    artifacts.put(a.platform(), a);
                }
            }
            Release release = new Release((String) row[1], Version.parse((String) row[2]), artifacts);
            int haltPercent = ((Number) row[12]).intValue();
            String pilot = (String) row[9];
            Set<String> pilots = pilot.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(pilot.split(",")));
            RolloutPlan plan = new RolloutPlan(pilots, waves((String) row[10]), ((Number) row[11]).intValue(),
                    haltPercent == 0 ? null : new HaltRule(haltPercent, ((Number) row[13]).intValue()), retry((String) row[14]));
            return new Deployment(id, release, plan, ((Number) row[3]).longValue(), DeploymentState.valueOf((String) row[4]),
                    (String) row[5], ((Number) row[6]).intValue(), ((Number) row[7]).longValue(), ((Number) row[8]).longValue(),
                    (String) row[15]);
        }

        List<DeviceRecord> records(Connection c, String deploymentId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT device_id, platform, state, failures, reason,"
                    + " updated_at_ms FROM device_records WHERE deployment_id = ? ORDER BY device_id")) {
                ps.setString(1, deploymentId);
                return DeploymentStore.query(ps, Codec::record);
            }
        }

        DeviceRecord record(Connection c, String deploymentId, String deviceId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT device_id, platform, state, failures, reason,"
                    + " updated_at_ms FROM device_records WHERE deployment_id = ? AND device_id = ?")) {
                ps.setString(1, deploymentId);
                ps.setString(2, deviceId);
                List<DeviceRecord> found = DeploymentStore.query(ps, Codec::record);
                return found.isEmpty() ? null : found.get(0);
            }
        }

        private static DeviceRecord record(ResultSet rs) throws SQLException {
            return new DeviceRecord(rs.getString(1), Platform.valueOf(rs.getString(2)), DeviceState.valueOf(rs.getString(3)),
                    rs.getInt(4), rs.getString(5), rs.getLong(6));
        }

        void upsert(Connection c, String deploymentId, DeviceRecord r) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM device_records WHERE deployment_id = ? AND device_id = ?")) {
                ps.setString(1, deploymentId);
                ps.setString(2, r.deviceId());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_records (deployment_id, device_id, platform,"
                    + " state, failures, reason, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, deploymentId);
                ps.setString(2, r.deviceId());
                ps.setString(3, r.platform().name());
                ps.setString(4, r.state().name());
                ps.setInt(5, r.failures());
                ps.setString(6, r.reason());
                ps.setLong(7, r.updatedAtMs());
                ps.executeUpdate();
            }
        }

        /** Records that a device asked (or installed): its platform and the version it runs. */
        void seen(Connection c, String deviceId, Platform platform, String product, Version version, long nowMs)
                throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM devices WHERE device_id = ? AND product = ?")) {
                ps.setString(1, deviceId);
                ps.setString(2, product);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (device_id, product, platform, version,"
                    + " last_seen_ms) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, deviceId);
                ps.setString(2, product);
                ps.setString(3, platform.name());
                ps.setString(4, version == null ? null : version.text());
                ps.setLong(5, nowMs);
                ps.executeUpdate();
            }
        }

        private static String wavesText(List<Wave> waves) {
            StringBuilder out = new StringBuilder();
            for (Wave w : waves) {
                out.append(out.length() == 0 ? "" : ",").append(w.percent()).append('@').append(w.after().toMillis());
            }
            return out.toString();
        }

        private static List<Wave> waves(String text) {
            List<Wave> out = new ArrayList<>();
            for (String part : text.split(",")) {
                int at = part.indexOf('@');
                out.add(new Wave(Integer.parseInt(part.substring(0, at)), Duration.ofMillis(Long.parseLong(part.substring(at + 1)))));
            }
            return out;
        }

        private static String retryText(Map<Platform, RetryRule> rules) {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<Platform, RetryRule> e : new EnumMap<>(rules).entrySet()) {
                out.append(out.length() == 0 ? "" : ",").append(e.getKey().name()).append('=')
                        .append(e.getValue().maxTries()).append('/').append(e.getValue().firstBackoff().toMillis());
            }
            return out.toString();
        }

        private static Map<Platform, RetryRule> retry(String text) {
            Map<Platform, RetryRule> out = new EnumMap<>(Platform.class);
            for (String part : text.split(",")) {
                int eq = part.indexOf('=');
                int slash = part.indexOf('/');
                out.put(Platform.valueOf(part.substring(0, eq)), new RetryRule(Integer.parseInt(part.substring(eq + 1, slash)),
                        Duration.ofMillis(Long.parseLong(part.substring(slash + 1)))));
            }
            return out;
        }
    }
}
