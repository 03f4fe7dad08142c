package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

import static org.assertj.core.api.Assertions.assertThat;

/** The credential cache's TTL, negative TTL, refresh-ahead, stale-if-error and metrics on a fake clock. */
class CachingSecretStoreTests {

    private static final SecretPath ACME = SecretPath.tenantVapi("acme");

    private final AtomicLong nanos = new AtomicLong(1);

    private final Ticker ticker = this.nanos::get;

    private final FakeStore backend = new FakeStore();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final CachingSecretStore cache = new CachingSecretStore(this.backend,
            new SecretsProperties.Cache(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofMinutes(15), 100),
            this.meters, this.ticker, Runnable::run);

    @Test
    void warmReadDoesNotReachTheStore() {
        this.backend.put(ACME, "key-1");

        assertKey("key-1");
        advance(Duration.ofSeconds(19));
        assertKey("key-1");

        assertThat(this.backend.reads.get()).isEqualTo(1);
        assertThat(this.meters.counter("gateway.secrets.cache.hits").count()).isEqualTo(1);
        assertThat(this.meters.counter("gateway.secrets.cache.misses").count()).isEqualTo(1);
    }

    @Test
    void concurrentMissesShareOneLoad() {
        Sinks.One<Secret> pending = Sinks.one();
        SecretStore slow = path -> {
            this.backend.reads.incrementAndGet();
            return pending.asMono();
        };
        CachingSecretStore shared = new CachingSecretStore(slow, VaultTestSupport.cache(), this.meters, this.ticker,
                Runnable::run);

        Mono<Secret> first = shared.read(ACME);
        Mono<Secret> second = shared.read(ACME);
        StepVerifier.create(Mono.zip(first, second))
            .then(() -> pending.tryEmitValue(new Secret(ACME, Map.of("api_key", "key-1"), 1)))
            .assertNext(both -> assertThat(both.getT1()).isEqualTo(both.getT2()))
            .verifyComplete();
        assertThat(this.backend.reads.get()).isEqualTo(1);
    }

    @Test
    void refreshAheadServesTheCurrentValueAndReloadsInTheBackground() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.put(ACME, "key-2");
        this.backend.pending = Sinks.one();

        advance(Duration.ofSeconds(21));
        assertKey("key-1");
        assertThat(this.backend.reads.get()).isEqualTo(2);

        this.backend.pending.tryEmitValue(new Secret(ACME, Map.of("api_key", "key-2"), 2));
        assertKey("key-2");
        assertThat(this.backend.reads.get()).isEqualTo(2);
    }

    @Test
    void rotatedSecretIsUsedWithinTheTtl() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.put(ACME, "key-2");

        advance(Duration.ofSeconds(31));

        assertKey("key-2");
    }

    @Test
    void missingSecretIsRememberedForTheNegativeTtl() {
        StepVerifier.create(this.cache.read(ACME)).verifyComplete();
        this.backend.put(ACME, "key-1");
        StepVerifier.create(this.cache.read(ACME)).verifyComplete();

        advance(Duration.ofSeconds(6));

        assertKey("key-1");
        assertThat(this.backend.reads.get()).isEqualTo(2);
    }

    @Test
    void deletedSecretStopsBeingServedAfterTheTtl() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.delete(ACME);

        advance(Duration.ofSeconds(31));

        StepVerifier.create(this.cache.read(ACME)).verifyComplete();
    }

    @Test
    void servesTheLastGoodSecretWhileTheStoreFailsThenFailsClosed() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.failing = true;

        advance(Duration.ofSeconds(31));
        assertKey("key-1");
        advance(Duration.ofMinutes(10));
        assertKey("key-1");
        assertThat(this.meters.counter("gateway.secrets.cache.stale-served").count()).isEqualTo(2);

        advance(Duration.ofMinutes(5));
        StepVerifier.create(this.cache.read(ACME))
            .expectErrorSatisfies(error -> assertThat(((GatewayException) error).type())
                .isEqualTo(ProblemType.CREDENTIAL_UNAVAILABLE))
            .verify();
        assertThat(this.meters.counter("gateway.secrets.cache.load-failures").count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void failingStoreIsAskedAtMostOncePerNegativeTtl() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.failing = true;
        advance(Duration.ofSeconds(31));
        int before = this.backend.reads.get();

        for (int i = 0; i < 50; i++) {
            assertKey("key-1");
        }

        assertThat(this.backend.reads.get() - before).isEqualTo(1);
    }

    @Test
    void recoversAsSoonAsTheStoreAnswersAgain() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.failing = true;
        advance(Duration.ofSeconds(31));
        assertKey("key-1");
        this.backend.failing = false;
        this.backend.put(ACME, "key-2");

        advance(Duration.ofSeconds(6));

        assertKey("key-2");
    }

    @Test
    void coldReadFailsClosedWhenTheStoreFails() {
        this.backend.failing = true;

        StepVerifier.create(this.cache.read(ACME))
            .expectErrorSatisfies(error -> {
                assertThat(error).isInstanceOf(GatewayException.class);
                assertThat(((GatewayException) error).type().status().value()).isEqualTo(503);
            })
            .verify();
    }

    @Test
    void invalidateMakesTheNextReadGoToTheStore() {
        this.backend.put(ACME, "key-1");
        assertKey("key-1");
        this.backend.put(ACME, "key-2");

        this.cache.invalidate(ACME);

        assertKey("key-2");
    }

    @Test
    void invalidateAllForgetsEverything() {
        SecretPath globex = SecretPath.tenantVapi("globex");
        this.backend.put(ACME, "key-1");
        this.backend.put(globex, "key-g");
        assertKey("key-1");
        StepVerifier.create(this.cache.read(globex)).expectNextCount(1).verifyComplete();

        this.cache.invalidateAll();

        assertThat(this.meters.get("gateway.secrets.cache.size").gauge().value()).isZero();
    }

    private void assertKey(String expected) {
        StepVerifier.create(this.cache.read(ACME))
            .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(expected))
            .verifyComplete();
    }

    private void advance(Duration duration) {
        this.nanos.addAndGet(duration.toNanos());
    }

    /** An in-memory store that counts reads and can be made to fail. */
    private static final class FakeStore implements SecretStore {

        private final Map<SecretPath, Secret> secrets = new ConcurrentHashMap<>();

        private final AtomicInteger reads = new AtomicInteger();

        private volatile boolean failing;

        private volatile Sinks.@Nullable One<Secret> pending;

        void put(SecretPath path, String key) {
            Secret previous = this.secrets.get(path);
            long version = (previous != null) ? previous.version() + 1 : 1;
            this.secrets.put(path, new Secret(path, Map.of("api_key", key), version));
        }

        void delete(SecretPath path) {
            this.secrets.remove(path);
        }

        @Override
        public Mono<Secret> read(SecretPath path) {
            this.reads.incrementAndGet();
            Sinks.One<Secret> hanging = this.pending;
            if (hanging != null) {
                return hanging.asMono();
            }
            if (this.failing) {
                return Mono.error(new SecretStoreException(path, SecretStoreException.Reason.UNREACHABLE, "down", null));
            }
            return Mono.justOrEmpty(this.secrets.get(path));
        }
    }
}
