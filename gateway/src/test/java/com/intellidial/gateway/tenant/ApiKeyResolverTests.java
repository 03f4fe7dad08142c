package com.intellidial.gateway.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The key cache: hits and repeated misses never reach the repository; answers are uniform. */
class ApiKeyResolverTests {

    private static final ApiKey KEY = ApiKey.parse("igw_test_k1_0123456789abcdef0123456789abcdef").orElseThrow();

    private static final Tenant TENANT = new Tenant("acme", "Acme", false, VapiMode.DEDICATED_ORG, TelephonyMode.BYO_TWILIO);

    private final AtomicInteger lookups = new AtomicInteger();

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    private ApiKeyResolver resolverWith(KeyRecord stored) {
        TenantRepository repository = new TenantRepository(null) {
            @Override
            Mono<KeyRecord> findKey(String keyId) {
                ApiKeyResolverTests.this.lookups.incrementAndGet();
                return (stored != null && stored.keyId().equals(keyId)) ? Mono.just(stored) : Mono.empty();
            }
        };
        TenantProperties properties = new TenantProperties(
                new TenantProperties.KeyCache(Duration.ofMinutes(1), Duration.ofSeconds(5), 1000), "live");
        return new ApiKeyResolver(repository, properties, this.clock, null, null, null);
    }

    @Test
    void cacheHitsDoNotTouchTheRepository() {
        ApiKeyResolver resolver = resolverWith(new KeyRecord("k1", KEY.secretHash(), false, null, TENANT));
        for (int i = 0; i < 100; i++) {
            StepVerifier.create(resolver.resolve(KEY.value()))
                .assertNext(context -> assertThat(context.tenantId()).isEqualTo("acme"))
                .verifyComplete();
        }
        assertThat(this.lookups).hasValue(1);
    }

    @Test
    void unknownKeysAreCachedBriefly() {
        ApiKeyResolver resolver = resolverWith(null);
        for (int i = 0; i < 100; i++) {
            StepVerifier.create(resolver.resolve(KEY.value())).verifyErrorSatisfies(ApiKeyResolverTests::isUnauthenticated);
        }
        assertThat(this.lookups).hasValue(1);
    }

    @Test
    void malformedKeysNeverReachTheRepository() {
        ApiKeyResolver resolver = resolverWith(null);
        StepVerifier.create(resolver.resolve("igw_nope")).verifyErrorSatisfies(ApiKeyResolverTests::isUnauthenticated);
        assertThat(this.lookups).hasValue(0);
    }

    @Test
    void wrongSecretRevokedAndExpiredKeysAreUnauthenticated() {
        ApiKey wrong = ApiKey.parse("igw_test_k1_ffffffffffffffffffffffffffffffff").orElseThrow();
        StepVerifier.create(resolverWith(new KeyRecord("k1", KEY.secretHash(), false, null, TENANT)).resolve(wrong.value()))
            .verifyErrorSatisfies(ApiKeyResolverTests::isUnauthenticated);
        StepVerifier.create(resolverWith(new KeyRecord("k1", KEY.secretHash(), true, null, TENANT)).resolve(KEY.value()))
            .verifyErrorSatisfies(ApiKeyResolverTests::isUnauthenticated);
        Instant past = this.clock.instant().minusSeconds(1);
        StepVerifier.create(resolverWith(new KeyRecord("k1", KEY.secretHash(), false, past, TENANT)).resolve(KEY.value()))
            .verifyErrorSatisfies(ApiKeyResolverTests::isUnauthenticated);
    }

    @Test
    void suspendedTenantIsForbidden() {
        Tenant suspended = new Tenant("acme", "Acme", true, VapiMode.DEDICATED_ORG, TelephonyMode.BYO_TWILIO);
        StepVerifier.create(resolverWith(new KeyRecord("k1", KEY.secretHash(), false, null, suspended)).resolve(KEY.value()))
            .verifyErrorSatisfies(ex -> assertThat(((GatewayException) ex).type()).isEqualTo(ProblemType.TENANT_SUSPENDED));
    }

    @Test
    void databaseFailureFailsClosedWith503() {
        TenantRepository broken = new TenantRepository(null) {
            @Override
            Mono<KeyRecord> findKey(String keyId) {
                return Mono.error(new IllegalStateException("connection refused"));
            }
        };
        ApiKeyResolver resolver = new ApiKeyResolver(broken,
                new TenantProperties(new TenantProperties.KeyCache(Duration.ofMinutes(1), Duration.ofSeconds(5), 10), "live"), this.clock, null, null, null);
        StepVerifier.create(resolver.resolve(KEY.value()))
            .verifyErrorSatisfies(ex -> assertThat(((GatewayException) ex).type()).isEqualTo(ProblemType.SERVICE_UNAVAILABLE));
    }

    @Test
    void evictionForcesAFreshLookup() {
        ApiKeyResolver resolver = resolverWith(new KeyRecord("k1", KEY.secretHash(), false, null, TENANT));
        resolver.resolve(KEY.value()).block();
        resolver.evict("k1");
        resolver.resolve(KEY.value()).block();
        assertThat(this.lookups).hasValue(2);
    }

    private static void isUnauthenticated(Throwable ex) {
        assertThat(ex).isInstanceOf(GatewayException.class);
        GatewayException problem = (GatewayException) ex;
        assertThat(problem.type()).isEqualTo(ProblemType.UNAUTHENTICATED);
        assertThat(problem.headers()).containsKey("WWW-Authenticate");
    }
}
