package com.intellidial.gateway.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL the tests run against, chosen once per JVM: the machine's server when
 * {@code GATEWAY_TEST_DB_URL} is set (a fresh database is created in it and dropped at exit),
 * Testcontainers when Docker is available, otherwise an embedded PostgreSQL.
 */
public final class TestDatabase {

    /** {@code jdbc:postgresql://host:port/database} of the machine's server (admin connection). */
    public static final String URL_ENV = "GATEWAY_TEST_DB_URL";

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

    private static volatile TestDatabase instance;

    private final String kind;

    private final String host;

    private final int port;

    private final String database;

    private final String username;

    private final String password;

    private TestDatabase(String kind, String host, int port, String database, String username, String password) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.database = database;
        this.username = username;
        this.password = password;
    }

    /** The database of this JVM, started on first use. */
    public static TestDatabase get() {
        TestDatabase current = instance;
        if (current == null) {
            synchronized (TestDatabase.class) {
                current = instance;
                if (current == null) {
                    current = start();
                    instance = current;
                }
            }
        }
        return current;
    }

    private static TestDatabase start() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return onServer(url);
        }
        if (dockerAvailable()) {
            return inContainer();
        }
        return embedded();
    }

    private static TestDatabase onServer(String url) {
        Matcher matcher = JDBC_URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalStateException(URL_ENV + " must look like jdbc:postgresql://host:port/database");
        }
        String host = matcher.group(1);
        int port = (matcher.group(2) != null) ? Integer.parseInt(matcher.group(2)) : 5432;
        String user = env("GATEWAY_TEST_DB_USER", "postgres");
        String password = env("GATEWAY_TEST_DB_PASSWORD", "");
        String name = "igw_test_" + System.currentTimeMillis() + "_" + ThreadLocalRandom.current().nextInt(1000, 9999);
        execute(url, user, password, "create database " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute(url, user, password, "drop database if exists " + name + " with (force)");
            }
            catch (RuntimeException ex) {
                // best effort: a leftover test database is harmless
            }
        }));
        return new TestDatabase("server " + host + ":" + port, host, port, name, user, password);
    }

    @SuppressWarnings("resource")
    private static TestDatabase inContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
        container.start();
        return new TestDatabase("testcontainers", container.getHost(), container.getFirstMappedPort(),
                container.getDatabaseName(), container.getUsername(), container.getPassword());
    }

    private static TestDatabase embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                }
                catch (IOException ex) {
                    // the JVM is exiting
                }
            }));
            return new TestDatabase("embedded", "localhost", postgres.getPort(), "postgres", "postgres", "");
        }
        catch (IOException ex) {
            throw new IllegalStateException("Embedded PostgreSQL failed to start", ex);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Could not run '" + sql + "' on " + url, ex);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return (value != null && !value.isBlank()) ? value : fallback;
    }

    /** Spring properties that point the gateway at this database. */
    public Map<String, String> properties() {
        return Map.of("gateway.database.host", this.host, "gateway.database.port", String.valueOf(this.port),
                "gateway.database.name", this.database, "gateway.database.username", this.username,
                "gateway.database.password", this.password);
    }

    /** A new (unpooled) R2DBC connection factory for this database, as a second gateway instance would have. */
    public ConnectionFactory connectionFactory() {
        return new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
            .host(this.host)
            .port(this.port)
            .database(this.database)
            .username(this.username)
            .password(this.password)
            .build());
    }

    /** A JDBC URL for this database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
    }

    public String username() {
        return this.username;
    }

    public String password() {
        return this.password;
    }

    @Override
    public String toString() {
        return "TestDatabase[" + this.kind + ", database=" + this.database + "]";
    }
}
