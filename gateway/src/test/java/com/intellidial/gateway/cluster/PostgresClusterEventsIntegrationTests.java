package com.intellidial.gateway.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;

import com.intellidial.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * LISTEN/NOTIFY between two independent {@link PostgresClusterEvents} (two gateway instances) on the
 * real test database, including recovery after the listening connection is killed server-side.
 */
class PostgresClusterEventsIntegrationTests {

    private final String channel = "test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);

    private final ConnectionFactory instanceA = TestDatabase.get().connectionFactory();

    private final ConnectionFactory instanceB = TestDatabase.get().connectionFactory();

    private final PostgresClusterEvents eventsA = new PostgresClusterEvents(this.instanceA, Duration.ofMillis(50),
            Duration.ofMillis(200));

    private final PostgresClusterEvents eventsB = new PostgresClusterEvents(this.instanceB, Duration.ofMillis(50),
            Duration.ofMillis(200));

    private final List<Disposable> subscriptions = new java.util.ArrayList<>();

    @AfterEach
    void stopListening() {
        this.subscriptions.forEach(Disposable::dispose);
    }

    @Test
    void aMessagePublishedByOneInstanceReachesEveryListener() {
        Queue<String> atA = listen(this.eventsA);
        Queue<String> atB = listen(this.eventsB);
        awaitListening(this.eventsA, List.of(atA, atB));

        this.eventsA.publish(this.channel, "tenants/acme/vapi").block(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> atA.contains("tenants/acme/vapi") && atB.contains("tenants/acme/vapi"));
    }

    @Test
    void listenersReconnectAfterTheirConnectionIsTerminated() {
        Queue<String> atB = listen(this.eventsB);
        awaitListening(this.eventsA, List.of(atB));

        Long terminated = DatabaseClient.create(this.instanceA)
            .sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() "
                    + "and query = 'LISTEN " + this.channel + "'")
            .map(row -> row.get(0, Long.class))
            .one()
            .block(Duration.ofSeconds(5));
        assertThat(terminated).isEqualTo(1);

        // Delivery is at most once: messages sent while B reconnects are lost, so keep sending.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            this.eventsA.publish(this.channel, "after-reconnect").block(Duration.ofSeconds(5));
            return atB.contains("after-reconnect");
        });
    }

    @Test
    void refusesChannelNamesThatCouldInjectSql() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
            .isThrownBy(() -> this.eventsA.listen("x; drop table tenants"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
            .isThrownBy(() -> this.eventsA.publish("Upper", "x"));
    }

    private Queue<String> listen(PostgresClusterEvents events) {
        Queue<String> received = new ConcurrentLinkedQueue<>();
        this.subscriptions.add(events.listen(this.channel).subscribe(received::add));
        return received;
    }

    /** LISTEN is asynchronous: sends probes until every queue got one, then forgets them. */
    private void awaitListening(PostgresClusterEvents publisher, List<Queue<String>> queues) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            publisher.publish(this.channel, "probe").block(Duration.ofSeconds(5));
            return queues.stream().allMatch(queue -> queue.contains("probe"));
        });
        for (Queue<String> queue : queues) {
            queue.clear();
        }
    }
}
