package io.subnetcast.deploy.store;

import io.subnetcast.core.testing.Skips;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database of its own for one test: SQLite in the test's directory, or a fresh schema in the
 * PostgreSQL database that {@value #URL} names (user and password in {@value #USER} and
 * {@value #PASSWORD}), so that runs never see each other's rows. {@code .ci/run} starts that
 * database; without it the PostgreSQL tests skip, and fail on CI.
 */
final class TestDatabase implements AutoCloseable {
    static final String URL = "SUBNETCAST_POSTGRES_URL";
    static final String USER = "SUBNETCAST_POSTGRES_USER";
    static final String PASSWORD = "SUBNETCAST_POSTGRES_PASSWORD";

    /** The databases the store runs on. */
    enum Kind { SQLITE, POSTGRESQL }

    private final String url;
    private final String schema;

    private TestDatabase(String url, String schema) {
        this.url = url;
        this.schema = schema;
    }

    /**
     * @param kind which database
     * @param dir the test's temporary directory (for SQLite)
     * @return a database with no tables yet
     */
    static TestDatabase create(Kind kind, Path dir) throws SQLException {
        if (kind == Kind.SQLITE) {
            return new TestDatabase("jdbc:sqlite:" + dir.resolve("deployments.db").toAbsolutePath(), null);
        }
        String base = System.getenv(URL);
        Skips.unless(base != null && !base.isEmpty(), URL + " is not set: no PostgreSQL database to test the store on");
        String schema = "test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = connect(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return new TestDatabase(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, schema);
    }

    /** @return a store on this database; several may be open at once */
    DeploymentStore open() throws SQLException {
        return DeploymentStore.open(url, System.getenv(USER), System.getenv(PASSWORD));
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            try (Connection c = connect(System.getenv(URL)); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, System.getenv(USER), System.getenv(PASSWORD));
    }
}
