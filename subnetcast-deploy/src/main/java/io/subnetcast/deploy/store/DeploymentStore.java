package io.subnetcast.deploy.store;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.DeploymentState;
import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.DeviceState;
import io.subnetcast.deploy.model.Inputs;
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
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment server's state, all of it in one database, so that a restart (even after
 * SIGKILL) loses nothing and several server instances may share it. Every operation is one
 * transaction that reads what it decides on, calls {@link Rollout}, and writes the result.
 *
 * <p>The default database is SQLite in a file ({@link #openSqlite}): write-ahead log,
 * {@code synchronous=FULL}, and write transactions that take the database's write lock when they
 * begin, so two instances never decide on the same stale state.
 *
 * <p>PostgreSQL ({@link #open} with a {@code jdbc:postgresql:} URL) is for fleets whose several
 * server instances share one database. There every transaction is {@code SERIALIZABLE}: when two
 * instances decide on the same rows at once, PostgreSQL aborts one of them (serialization failure
 * or deadlock), and the store runs that whole operation again on the new state, at most
 * {@value #MAX_ATTEMPTS} times. The store keeps a few PostgreSQL connections open between
 * operations; {@link #close} closes them.
 */
public final class DeploymentStore implements AutoCloseable {
    /** Runs of one operation before a PostgreSQL serialization failure is passed on to the caller. */
    static final int MAX_ATTEMPTS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentStore.class);
    private static final String SQLITE = "jdbc:sqlite:";
    private static final String POSTGRESQL = "jdbc:postgresql:";
    /** What the SQLite store relies on; appended last, so a URL cannot turn it off. */
    private static final String SQLITE_SETTINGS =
            "journal_mode=WAL&synchronous=FULL&busy_timeout=10000&transaction_mode=IMMEDIATE&foreign_keys=true";
    /** Serializes the DDL of instances that start at once: CREATE TABLE IF NOT EXISTS races on PostgreSQL. */
    private static final long DDL_LOCK = 0x5375626e65746361L;
    /** PostgreSQL connections kept open between operations (the server runs four at a time). */
    private static final int MAX_IDLE = 8;

    private final String jdbcUrl;
    private final Properties credentials;
    private final boolean postgres;
    private final Schema.Codec codec = new Schema.Codec();
    private final AtomicLong retries = new AtomicLong();
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();

    private DeploymentStore(String jdbcUrl, Properties credentials, boolean postgres) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.postgres = postgres;
        try {
            transaction(c -> {
                try (Statement s = c.createStatement()) {
                    if (postgres) {
                        s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                    }
                    for (String ddl : Schema.DDL) {
                        s.execute(ddl);
                    }
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
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
        return open(SQLITE + dataDir.resolve("deployments.db").toAbsolutePath(), null, null);
    }

    /**
     * Opens the database at a JDBC URL, creating the tables that are missing: SQLite
     * ({@code jdbc:sqlite:FILE}, the settings of {@link #openSqlite} added) or PostgreSQL
     * ({@code jdbc:postgresql://HOST:PORT/DATABASE}, e.g. with {@code ?currentSchema=NAME}).
     *
     * @param jdbcUrl the database
     * @param user the database user, or null (SQLite ignores it)
     * @param password the user's password, or null (SQLite ignores it)
     * @return the store
     * @throws InvalidInputException when the URL is neither SQLite nor PostgreSQL
     * @throws SQLException when the database cannot be reached, opened or created
     */
    public static DeploymentStore open(String jdbcUrl, String user, String password) throws SQLException {
        Properties credentials = new Properties();
        if (jdbcUrl != null && jdbcUrl.startsWith(SQLITE)) {
            return new DeploymentStore(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + SQLITE_SETTINGS, credentials, false);
        }
        if (jdbcUrl != null && jdbcUrl.startsWith(POSTGRESQL)) {
            if (user != null) {
                credentials.setProperty("user", user);
            }
            if (password != null) {
                credentials.setProperty("password", password);
            }
            return new DeploymentStore(jdbcUrl, credentials, true);
        }
        // Only the scheme is echoed: the rest of a URL may hold a password.
        String scheme = jdbcUrl == null ? "" : jdbcUrl.replaceFirst("^([^:]*:[^:]*:).*$", "$1");
        throw new InvalidInputException("database URL must start with " + SQLITE + " or " + POSTGRESQL + ", not '"
                + Inputs.printable(scheme.length() > 30 ? scheme.substring(0, 30) : scheme) + "'");
    }

    /** @return how many times an operation ran again after a serialization failure, since the store opened */
    long retries() {
        return retries.get();
    }

    /**
     * Closes the connections kept open between operations. Operations after this still work (on
     * new connections).
     */
    @Override
    public void close() {
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            closeQuietly(c);
        }
    }

    /** A PostgreSQL connection kept from an earlier operation, or a new one. */
    private Connection connect() throws SQLException {
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            if (c.isValid(5)) {
                return c;
            }
            closeQuietly(c); // broken, e.g. the database restarted
        }
        Connection c = DriverManager.getConnection(jdbcUrl, credentials);
        try {
            c.setAutoCommit(false);
            if (postgres) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /**
     * Ends what a connection did not commit. A PostgreSQL connection is kept for the next
     * operation, since opening one costs tens of milliseconds and an operation about one; an
     * SQLite connection is closed, as it always was.
     */
    private void release(Connection c) {
        if (!postgres || idle.size() >= MAX_IDLE) {
            closeQuietly(c); // closing without a commit rolls back
            return;
        }
        try {
            c.rollback();
            idle.addFirst(c);
        } catch (SQLException e) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a database connection failed", e);
        }
    }

    /**
     * Runs {@code work} in one transaction and commits it; on PostgreSQL runs it again, from the
     * start and on a fresh snapshot, when the database aborted it because a concurrent transaction
     * changed what it read. What {@code work} does not commit (it refused its input, it failed) is
     * rolled back.
     */
    private <T> T transaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            SQLException failure;
            Connection c = connect();
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                if (!serializationFailure(e) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                failure = e;
            } finally {
                release(c);
            }
            retries.incrementAndGet();
            LOG.debug("run {} of an operation failed to serialize ({}); running it again", attempt, failure.getSQLState());
            pause(attempt, failure);
        }
    }

    private static boolean serializationFailure(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    /** A short random wait, longer with each attempt, so that instances that collided do not collide again in step. */
    private static void pause(int attempt, SQLException cause) throws SQLException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(4L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /** One operation's reads and writes, inside its transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
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
        transaction(c -> {
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
            return null;
        });
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
        return transaction(c -> {
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
            return next;
        });
    }

    /** @return the product's latest deployment, or null */
    public Deployment latest(String product) throws SQLException {
        return transaction(c -> latest(c, product));
    }

    /** @return the deployment of that version of the product, or null */
    public Deployment find(String product, Version version) throws SQLException {
        return transaction(c -> {
            for (Deployment d : codec.byProduct(c, product)) {
                if (d.release().version().compareTo(version) == 0) {
                    return d;
                }
            }
            return null;
        });
    }

    /** @return every deployment, newest first per product */
    public List<Deployment> all() throws SQLException {
        return transaction(codec::all);
    }

    /**
     * @param platform a device's platform
     * @return the products whose latest deployment ships for the platform, by name
     */
    public List<String> productsFor(Platform platform) throws SQLException {
        List<String> out = new ArrayList<>();
        String previous = null;
        for (Deployment d : all()) { // by product, newest first: the first of each product is its latest
            String product = d.release().product();
            if (!product.equals(previous) && d.release().artifact(platform) != null) {
                out.add(product);
            }
            previous = product;
        }
        return out;
    }

    /** @return the records of the deployment's devices */
    public List<DeviceRecord> devices(String deploymentId) throws SQLException {
        return transaction(c -> codec.records(c, deploymentId));
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
        return transaction(c -> {
            codec.seen(c, deviceId, platform, product, installed, nowMs);
            Deployment d = latest(c, product);
            if (d == null) {
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
            return new Answer(d, offer);
        });
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
        transaction(c -> {
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
            return null;
        });
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
