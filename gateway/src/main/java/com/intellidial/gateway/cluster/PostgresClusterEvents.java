package com.intellidial.gateway.cluster;

import java.time.Duration;
import java.util.regex.Pattern;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@link ClusterEvents} on PostgreSQL {@code LISTEN}/{@code NOTIFY}. Each {@link #listen} holds one
 * dedicated connection outside the pool (a pool would recycle it), and reconnects with backoff when
 * it drops; {@link #publish} uses a pooled connection.
 */
public final class PostgresClusterEvents implements ClusterEvents {

    private static final Logger log = LoggerFactory.getLogger(PostgresClusterEvents.class);

    /** Channels are spliced into {@code LISTEN}, which takes no bind parameters. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final ConnectionFactory listenerConnections;

    private final DatabaseClient database;

    private final Duration minBackoff;

    private final Duration maxBackoff;

    /**
     * Creates the events on a connection factory, reconnecting after 1 s up to 30 s.
     * @param connectionFactory the application's (possibly pooled) R2DBC PostgreSQL connection factory
     */
    public PostgresClusterEvents(ConnectionFactory connectionFactory) {
        this(connectionFactory, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    PostgresClusterEvents(ConnectionFactory connectionFactory, Duration minBackoff, Duration maxBackoff) {
        this.listenerConnections = unpooled(connectionFactory);
        this.database = DatabaseClient.create(connectionFactory);
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public Mono<Void> publish(String channel, String payload) {
        checkChannel(channel);
        return this.database.sql("SELECT pg_notify($1, $2)").bind(0, channel).bind(1, payload).then();
    }

    @Override
    public Flux<String> listen(String channel) {
        return listen(channel, () -> {
        });
    }

    @Override
    public Flux<String> listen(String channel, Runnable onListening) {
        checkChannel(channel);
        return Flux.usingWhen(Mono.from(this.listenerConnections.create()),
                connection -> notifications(connection, channel, onListening), Connection::close)
            .doOnSubscribe(s -> log.debug("Listening on {}", channel))
            // The notification stream ends when the connection closes: reconnect, as after an error.
            .repeat()
            .retryWhen(Retry.backoff(Long.MAX_VALUE, this.minBackoff)
                .maxBackoff(this.maxBackoff)
                .doBeforeRetry(signal -> log.warn("Lost the LISTEN connection for {} ({}), reconnecting", channel,
                        signal.failure().toString())));
    }

    private static Flux<String> notifications(Connection connection, String channel, Runnable onListening) {
        if (!(connection instanceof PostgresqlConnection postgres)) {
            return Flux.error(new IllegalStateException("LISTEN needs a PostgreSQL connection, got " + connection));
        }
        return postgres.createStatement("LISTEN " + channel)
            .execute()
            .flatMap(PostgresqlResult::getRowsUpdated)
            .then(Mono.fromRunnable(onListening))
            .thenMany(postgres.getNotifications())
            .filter(notification -> channel.equals(notification.getName()))
            .map(notification -> {
                String parameter = notification.getParameter();
                return (parameter != null) ? parameter : "";
            });
    }

    private static ConnectionFactory unpooled(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            current = inner;
        }
        return current;
    }

    private static void checkChannel(String channel) {
        Assert.isTrue(CHANNEL.matcher(channel).matches(), () -> "invalid channel name: " + channel);
    }
}
