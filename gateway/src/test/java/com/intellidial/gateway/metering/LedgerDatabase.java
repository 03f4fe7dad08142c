package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.intellidial.gateway.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The test database migrated with the gateway's Flyway scripts, for ledger tests that build their
 * {@link Ledger} by hand (no Spring context): R2DBC clients on any host and port (so a test can put
 * a closable proxy in between) and JDBC reads of what the ledger holds. Reads run on the test
 * thread, never on an event loop.
 */
final class LedgerDatabase {

    private static volatile boolean migrated;

    private LedgerDatabase() {
    }

    /** Applies the migrations once per JVM (Flyway skips what a Spring context already applied). */
    static synchronized void migrate() {
        if (!migrated) {
            TestDatabase db = TestDatabase.get();
            Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password()).load().migrate();
            migrated = true;
        }
    }

    /** A pooled R2DBC client for the test database, reached at {@code host:port}. */
    static DatabaseClient client(String host, int port) {
        TestDatabase db = TestDatabase.get();
        String database = db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1);
        PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
            .host(host)
            .port(port)
            .database(database)
            .username(db.username())
            .password(db.password())
            .connectTimeout(Duration.ofSeconds(2))
            .build());
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
            .maxSize(4)
            .maxAcquireTime(Duration.ofSeconds(3))
            .maxValidationTime(Duration.ofSeconds(1))
            .build());
        return DatabaseClient.create(pool);
    }

    /** The port of the test database server. */
    static int port() {
        String url = TestDatabase.get().jdbcUrl();
        String hostPort = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    }

    /** The host of the test database server. */
    static String host() {
        String url = TestDatabase.get().jdbcUrl();
        String hostPort = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
        return hostPort.substring(0, hostPort.indexOf(':'));
    }

    /** Properties for a hand-built ledger: small batches, fast timers, the given spill directory. */
    static MeteringProperties properties(Path spillDir, int bufferCapacity) {
        return new MeteringProperties(true, bufferCapacity, 50, Duration.ofMillis(50), Duration.ofSeconds(2), spillDir,
                Duration.ofMillis(200), Duration.ofSeconds(10), new MeteringProperties.TenantTags(10), Duration.ofDays(35),
                Duration.ofHours(1));
    }

    /** A started ledger on the given client. */
    static Ledger ledger(DatabaseClient client, MeteringProperties properties) {
        Ledger ledger = new Ledger(new LedgerWriter(client), properties, new SimpleMeterRegistry());
        ledger.start();
        return ledger;
    }

    /** Rows of a query, each column by name. */
    static List<Map<String, Object>> query(String sql, Object... parameters) {
        TestDatabase db = TestDatabase.get();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(sql, ex);
        }
    }

    /** A single number (count or sum) from a query; 0 for SQL null. */
    static long number(String sql, Object... parameters) {
        Object value = query(sql, parameters).get(0).values().iterator().next();
        return (value == null) ? 0 : ((Number) value).longValue();
    }

    /** A single decimal from a query; 0 for SQL null. */
    static BigDecimal decimal(String sql, Object... parameters) {
        Object value = query(sql, parameters).get(0).values().iterator().next();
        return (value == null) ? BigDecimal.ZERO : new BigDecimal(value.toString());
    }
}
