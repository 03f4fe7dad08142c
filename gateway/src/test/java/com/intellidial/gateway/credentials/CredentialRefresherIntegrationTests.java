package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.intellidial.gateway.cluster.PostgresClusterEvents;
import com.intellidial.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances (two caches, two refreshers, two LISTEN connections) over one secret store:
 * a refresh on one instance evicts the credential on the other long before its TTL.
 */
class CredentialRefresherIntegrationTests {

    private final SecretPath path = SecretPath.tenantVapi("refresher-" + UUID.randomUUID().toString().substring(0, 8));

    private final LocalSecretStore vault = new LocalSecretStore(Map.of());

    private final CachingSecretStore cacheA = cache();

    private final CachingSecretStore cacheB = cache();

    private final CredentialRefresher instanceA = new CredentialRefresher(this.cacheA,
            new PostgresClusterEvents(TestDatabase.get().connectionFactory()));

    private final CredentialRefresher instanceB = new CredentialRefresher(this.cacheB,
            new PostgresClusterEvents(TestDatabase.get().connectionFactory()));

    @AfterEach
    void stop() {
        this.instanceA.stop();
        this.instanceB.stop();
    }

    @Test
    void aRefreshOnOneInstanceEvictsOnTheOther() {
        this.instanceA.start();
        this.instanceB.start();
        assertThat(this.instanceB.isRunning()).isTrue();
        this.vault.put(this.path, Map.of("api_key", "vapi-key-v1"));
        assertThat(key(this.cacheA)).isEqualTo("vapi-key-v1");
        assertThat(key(this.cacheB)).isEqualTo("vapi-key-v1");

        this.vault.put(this.path, Map.of("api_key", "vapi-key-v2"));
        assertThat(key(this.cacheB)).as("cached for the 1 h TTL").isEqualTo("vapi-key-v1");

        // The LISTEN connection is set up asynchronously and delivery is at most once, so an admin
        // would simply refresh again; the first refresh already evicts on A itself.
        this.instanceA.refresh(this.path).block(Duration.ofSeconds(5));
        assertThat(key(this.cacheA)).isEqualTo("vapi-key-v2");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if ("vapi-key-v2".equals(key(this.cacheB))) {
                return true;
            }
            this.instanceA.refresh(this.path).block(Duration.ofSeconds(5));
            return false;
        });
        assertThat(key(this.cacheB)).isEqualTo("vapi-key-v2");
    }

    @Test
    void ignoresAMalformedEviction() {
        this.instanceB.start();
        this.vault.put(this.path, Map.of("api_key", "vapi-key-v1"));
        assertThat(key(this.cacheB)).isEqualTo("vapi-key-v1");

        new PostgresClusterEvents(TestDatabase.get().connectionFactory())
            .publish(CredentialRefresher.CHANNEL, "../../etc/passwd")
            .block(Duration.ofSeconds(5));

        assertThat(this.instanceB.isRunning()).isTrue();
        assertThat(key(this.cacheB)).isEqualTo("vapi-key-v1");
    }

    private String key(CachingSecretStore cache) {
        Secret secret = cache.read(this.path).block(Duration.ofSeconds(5));
        assertThat(secret).isNotNull();
        return secret.field("api_key");
    }

    /** An instance's cache over the shared store ({@code vault}, declared before the caches). */
    private CachingSecretStore cache() {
        return new CachingSecretStore(this.vault, new SecretsProperties.Cache(Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofMinutes(15), 100), new SimpleMeterRegistry());
    }
}
