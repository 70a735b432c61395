package io.subnetcast.deploy.store;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Release;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.rollout.Offer;
import io.subnetcast.deploy.rollout.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The deployment server's state, all of it in one database, so that a restart (even after
 * SIGKILL) loses nothing and several server instances may share it. Every operation is one
 * transaction that reads what it decides on, calls {@link Rollout}, and writes the result.
 *
 * <p>The default database is SQLite in a file ({@link #openSqlite}): write-ahead log,
 * {@code synchronous=FULL}, and write transactions that take the database's write lock when they
 * begin, so two instances never decide on the same stale state.
 */
public final class DeploymentStore {
    private final String jdbcUrl;
    private final Schema.Codec codec = new Schema.Codec();

    private DeploymentStore(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String ddl : Schema.DDL) {
                s.execute(ddl);
            }
            c.commit();
        }
    }

    /**
     * Opens (creating it if needed) the SQLite database {@code deployments.db} in {@code dataDir}.
     *
     * @param dataDir the server's data directory, created if missing
     * @return the store
     * @throws SQLException when the database cannot be opened or created
     * @throws java.io.IOException when the directory cannot be created
     */
    public static DeploymentStore openSqlite(Path dataDir) throws SQLException, java.io.IOException {
        Files.createDirectories(dataDir);
        return new DeploymentStore("jdbc:sqlite:" + dataDir.resolve("deployments.db").toAbsolutePath()
                + "?journal_mode=WAL&synchronous=FULL&busy_timeout=10000&transaction_mode=IMMEDIATE&foreign_keys=true");
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl);
        c.setAutoCommit(false);
        return c;
    }

    // ---------------------------------------------------------------- admin

    /**
     * Starts a deployment of a release. A newer release of the product supersedes the running one
     * (latest only); a release that is not newer than the product's latest is refused.
     *
     * @param deployment the new deployment
     * @throws InvalidInputException when the id is taken or the version is not newer than the latest
     */
    public void create(Deployment deployment) throws SQLException {
        try (Connection c = connect()) {
            Deployment latest = latest(c, deployment.release().product());
            if (latest != null && !deployment.release().version().isNewerThan(latest.release().version())) {
                throw new InvalidInputException(deployment.release().product() + " " + deployment.release().version()
                        + " is not newer than " + latest.release().version() + ", already deployed");
            }
            if (find(c, deployment.id()) != null) {
                throw new InvalidInputException("deployment id '" + deployment.id() + "' is taken");
            }
            if (latest != null && latest.state() != DeploymentState.SUPERSEDED) {
                update(c, latest.withState(DeploymentState.SUPERSEDED, "superseded by "
                        + deployment.release().version(), deployment.createdAtMs()));
            }
            codec.insert(c, deployment);
            c.commit();
        }
    }

    /**
     * Pauses or resumes the product's latest deployment.
     *
     * @param product the product
     * @param pause true to pause, false to resume (from paused or halted)
     * @param nowMs current time (epoch ms)
     * @return the deployment after the change
     * @throws InvalidInputException when the product has no deployment, or it is superseded or completed and pausing
     */
    public Deployment pauseOrResume(String product, boolean pause, long nowMs) throws SQLException {
        try (Connection c = connect()) {
            Deployment d = latest(c, product);
            if (d == null) {
                throw new InvalidInputException("no deployment of '" + product + "'");
            }
            Deployment next = d;
            if (pause && (d.state() == DeploymentState.RUNNING || d.state() == DeploymentState.COMPLETED)) {
                next = d.withState(DeploymentState.PAUSED, "paused by an admin", nowMs);
            } else if (!pause && (d.state() == DeploymentState.PAUSED || d.state() == DeploymentState.HALTED)) {
                next = d.withState(DeploymentState.RUNNING, "resumed by an admin", nowMs);
            } else if (d.state() == DeploymentState.SUPERSEDED) {
                throw new InvalidInputException(product + " " + d.release().version() + " is superseded");
            }
            if (next != d) {
                update(c, next);
            }
            c.commit();
            return next;
        }
    }

    /** @return the product's latest deployment, or null */
    public Deployment latest(String product) throws SQLException {
        try (Connection c = connect()) {
            return latest(c, product);
        }
    }

    /** @return the deployment of that version of the product, or null */
    public Deployment find(String product, Version version) throws SQLException {
        try (Connection c = connect()) {
            for (Deployment d : codec.byProduct(c, product)) {
                if (d.release().version().compareTo(version) == 0) {
                    return d;
                }
            }
            return null;
        }
    }

    /** @return every deployment, newest first per product */
    public List<Deployment> all() throws SQLException {
        try (Connection c = connect()) {
            return codec.all(c);
        }
    }

    /** @return the records of the deployment's devices */
    public List<DeviceRecord> devices(String deploymentId) throws SQLException {
        try (Connection c = connect()) {
            return codec.records(c, deploymentId);
        }
    }

    /** @return per platform, how many devices are in each state */
    public Map<Platform, Map<DeviceState, Integer>> progress(String deploymentId) throws SQLException {
        Map<Platform, Map<DeviceState, Integer>> counts = new EnumMap<>(Platform.class);
        for (DeviceRecord r : devices(deploymentId)) {
            counts.computeIfAbsent(r.platform(), p -> new EnumMap<>(DeviceState.class)).merge(r.state(), 1, Integer::sum);
        }
        return counts;
    }

    // ---------------------------------------------------------------- views (dashboard, metrics)

    /** Most rows {@link #fleet} returns in one call. */
    public static final int MAX_FLEET_ROWS = 10_000;

    /**
     * Per platform, how many devices of a deployment are in each state, counted by the database
     * (one grouped query over the deployment's part of the primary key), for views that run often.
     *
     * @param deploymentId the deployment
     * @return per platform, the count of each state that occurs
     */
    public Map<Platform, Map<DeviceState, Integer>> counts(String deploymentId) throws SQLException {
        Map<Platform, Map<DeviceState, Integer>> counts = new EnumMap<>(Platform.class);
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT platform, state, COUNT(*)"
                + " FROM device_records WHERE deployment_id = ? GROUP BY platform, state")) {
            ps.setString(1, deploymentId);
            for (Object[] row : query(ps, rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3)})) {
                counts.computeIfAbsent(Platform.valueOf((String) row[0]), p -> new EnumMap<>(DeviceState.class))
                        .put(DeviceState.valueOf((String) row[1]), (Integer) row[2]);
            }
        }
        return counts;
    }

    /**
     * The devices that asked for a product, by device id, with their record in the product's latest
     * deployment.
     *
     * @param product the product
     * @param deploymentId the deployment whose records to join (the product's latest), or null for none
     * @param version only devices that run this version, or null for all
     * @param limit at most this many rows, 1 to {@value #MAX_FLEET_ROWS}
     * @return the devices, ordered by id
     */
    public List<FleetDevice> fleet(String product, String deploymentId, Version version, int limit) throws SQLException {
        if (limit < 1 || limit > MAX_FLEET_ROWS) {
            throw new IllegalArgumentException("limit " + limit + " outside 1-" + MAX_FLEET_ROWS);
        }
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT d.device_id, d.platform, d.version,"
                + " d.last_seen_ms, r.state, r.failures, r.reason, r.updated_at_ms FROM devices d LEFT JOIN device_records r"
                + " ON r.deployment_id = ? AND r.device_id = d.device_id WHERE d.product = ?"
                + (version == null ? "" : " AND d.version = ?") + " ORDER BY d.device_id LIMIT ?")) {
            int i = 1;
            ps.setString(i++, deploymentId == null ? "" : deploymentId);
            ps.setString(i++, product);
            if (version != null) {
                ps.setString(i++, version.text());
            }
            ps.setInt(i, limit);
            return query(ps, rs -> {
                Platform platform = Platform.valueOf(rs.getString(2));
                String state = rs.getString(5);
                DeviceRecord record = state == null ? null : new DeviceRecord(rs.getString(1), platform,
                        DeviceState.valueOf(state), rs.getInt(6), rs.getString(7), rs.getLong(8));
                return new FleetDevice(rs.getString(1), platform, rs.getString(3), rs.getLong(4), record);
            });
        }
    }

    // ---------------------------------------------------------------- agents

    /**
     * A device asks what to install of a product.
     *
     * @param deviceId the device
     * @param platform its platform
     * @param product the product
     * @param installed the version it runs, or null
     * @param nowMs current time (epoch ms)
     * @return the offer, with the deployment it belongs to (null when the product has none)
     */
    public Answer poll(String deviceId, Platform platform, String product, Version installed, long nowMs)
            throws SQLException {
        try (Connection c = connect()) {
            codec.seen(c, deviceId, platform, product, installed, nowMs);
            Deployment d = latest(c, product);
            if (d == null) {
                c.commit();
                return new Answer(null, new Offer(Offer.Kind.NOTHING, null, null, 0, "no deployment of " + product));
            }
            DeviceRecord record = codec.record(c, d.id(), deviceId);
            if (record == null && d.release().artifact(platform) != null
                    && (installed == null || d.release().version().isNewerThan(installed))) {
                record = Rollout.targeted(deviceId, platform, nowMs);
                codec.upsert(c, d.id(), record);
            }
            d = advance(c, d, nowMs);
            Offer offer = record == null ? Rollout.offer(d, Rollout.targeted(deviceId, platform, nowMs), installed, nowMs)
                    : Rollout.offer(d, record, installed, nowMs);
            if (offer.kind() == Offer.Kind.INSTALL && record != null && record.state() == DeviceState.TARGETED) {
                codec.upsert(c, d.id(), Rollout.report(record, DeviceState.OFFERED, 1, "", nowMs));
            }
            c.commit();
            return new Answer(d, offer);
        }
    }

    /**
     * A device reports on a deployment.
     *
     * @param deploymentId the deployment
     * @param deviceId the device
     * @param state what it reports
     * @param attempt which try, 1-based
     * @param reason the failure's reason, or empty
     * @param nowMs current time (epoch ms)
     * @throws InvalidInputException when the deployment is unknown or never offered to the device
     */
    public void report(String deploymentId, String deviceId, DeviceState state, int attempt, String reason, long nowMs)
            throws SQLException {
        try (Connection c = connect()) {
            Deployment d = find(c, deploymentId);
            DeviceRecord record = d == null ? null : codec.record(c, deploymentId, deviceId);
            if (record == null) {
                throw new InvalidInputException("device '" + deviceId + "' has no part in deployment '" + deploymentId + "'");
            }
            DeviceRecord next = Rollout.report(record, state, attempt, reason == null ? "" : truncate(reason), nowMs);
            if (next != record) {
                codec.upsert(c, deploymentId, next);
                if (state == DeviceState.INSTALLED) {
                    codec.seen(c, deviceId, record.platform(), d.release().product(), d.release().version(), nowMs);
                }
                advance(c, d, nowMs);
            }
            c.commit();
        }
    }

    /**
     * What the server answers a device.
     *
     * @param deployment the product's latest deployment, or null
     * @param offer what the device is to do
     */
    public record Answer(Deployment deployment, Offer offer) {
    }

    // ---------------------------------------------------------------- inside a transaction

    private Deployment advance(Connection c, Deployment d, long nowMs) throws SQLException {
        Deployment next = Rollout.advance(d, codec.records(c, d.id()), nowMs);
        if (!next.equals(d)) {
            update(c, next);
        }
        return next;
    }

    private Deployment latest(Connection c, String product) throws SQLException {
        List<Deployment> all = codec.byProduct(c, product);
        return all.isEmpty() ? null : all.get(0);
    }

    private Deployment find(Connection c, String id) throws SQLException {
        return codec.byId(c, id);
    }

    private void update(Connection c, Deployment d) throws SQLException {
        codec.updateState(c, d);
    }

    private static String truncate(String reason) {
        return reason.length() <= 500 ? reason : reason.substring(0, 500);
    }

    /** Artifacts in insertion form, for the codec. */
    static List<Artifact> artifacts(Release release) {
        return new ArrayList<>(release.artifacts().values());
    }

    /** @return the rows a SELECT returns, read by {@code reader} */
    static <T> List<T> query(PreparedStatement ps, SqlReader<T> reader) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        }
        return out;
    }

    /** Reads one row. */
    @FunctionalInterface
    interface SqlReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
