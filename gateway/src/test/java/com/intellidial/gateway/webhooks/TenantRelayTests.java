package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.LocalSecretStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twilio status callbacks go through the same relay as VAPI messages, and a stopping instance
 * waits (bounded) for relays still pending.
 */
class TenantRelayTests {

    private static final String SECRET = "whsec-relay-tests";

    private final TenantEndpoint tenant = TenantEndpoint.start();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        this.tenant.close();
    }

    @Test
    void relaysAFormSignedWithTheRequestIdOfTheDelivery() throws InterruptedException {
        TenantRelay relay = relay(Duration.ofSeconds(2));
        byte[] form = "CallSid=CA1&CallStatus=completed".getBytes(StandardCharsets.UTF_8);
        relay.relayForm("acme", this.tenant.url("/status"), form, "req-1");
        awaitStopped(relay, Duration.ofSeconds(5));
        TenantEndpoint.Received received = this.tenant.received().get(0);
        assertThat(received.path()).isEqualTo("/status");
        assertThat(received.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(received.header("X-Request-Id")).isEqualTo("req-1");
        assertThat(received.bodyText()).isEqualTo("CallSid=CA1&CallStatus=completed");
        assertThat(RelaySigner.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                Long.parseLong(received.header("X-Intellidial-Timestamp")), received.body(),
                received.header("X-Intellidial-Signature"))).isTrue();
    }

    @Test
    void doesNotRelayToAUrlThatIsNotHttp() throws InterruptedException {
        TenantRelay relay = relay(Duration.ofSeconds(2));
        relay.relayForm("acme", "ftp://127.0.0.1/status", new byte[0], "req-2");
        relay.relayForm("acme", "not a url", new byte[0], "req-3");
        awaitStopped(relay, Duration.ofSeconds(5));
        assertThat(this.tenant.received()).isEmpty();
        assertThat(counter("gateway.webhooks.relay.dropped")).isEqualTo(2);
    }

    @Test
    void stoppingWaitsForAPendingRelayToBeDelivered() throws InterruptedException {
        this.tenant.delay(Duration.ofMillis(500));
        TenantRelay relay = relay(Duration.ofSeconds(5));
        relay.relayForm("acme", this.tenant.url("/status"), "CallStatus=completed".getBytes(StandardCharsets.UTF_8),
                "req-4");
        awaitStopped(relay, Duration.ofSeconds(5));
        assertThat(counter("gateway.webhooks.relay.delivered")).as("delivered before stop completed").isEqualTo(1);
        assertThat(relay.isRunning()).isFalse();
    }

    @Test
    void stoppingGivesUpOnPendingRelaysAfterTheDrainTimeout() throws InterruptedException {
        this.tenant.delay(Duration.ofSeconds(5));
        TenantRelay relay = relay(Duration.ofMillis(300));
        relay.relayForm("acme", this.tenant.url("/status"), "CallStatus=completed".getBytes(StandardCharsets.UTF_8),
                "req-5");
        long started = System.nanoTime();
        awaitStopped(relay, Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(counter("gateway.webhooks.relay.delivered")).isZero();
        assertThat(this.meters.get("gateway.webhooks.relay.in-flight").gauge().value()).isEqualTo(1.0);
    }

    private TenantRelay relay(Duration drainTimeout) {
        LocalSecretStore secrets = new LocalSecretStore(Map.of("tenants/acme/webhook", Map.of("signing_secret", SECRET)));
        TenantWebhookUrls noVapiUrls = (tenantId, assistantId, phoneNumberId) -> Mono.<URI>empty();
        WebhooksProperties.Relay properties = new WebhooksProperties.Relay(Duration.ofSeconds(1), Duration.ofSeconds(10),
                1, Duration.ofMillis(50), Duration.ofMillis(200), 0.5, 100, drainTimeout, true, 100);
        TenantRelay relay = new TenantRelay(WebClient.create(), secrets, noVapiUrls, properties, Clock.systemUTC(),
                this.meters);
        relay.start();
        return relay;
    }

    /** Stops the relay as the application context does and waits for it to report it stopped. */
    private static void awaitStopped(TenantRelay relay, Duration atMost) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        relay.stop(stopped::countDown);
        assertThat(stopped.await(atMost.toMillis(), TimeUnit.MILLISECONDS)).as("stopped within " + atMost).isTrue();
    }

    private double counter(String name) {
        return this.meters.get(name).counter().count();
    }
}
