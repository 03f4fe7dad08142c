package com.intellidial.gateway.metering;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Rate limits against the real Redis at 127.0.0.1:6379: buckets hold across two gateway instances
 * (two limiters sharing Redis), and a dead Redis lets requests through at once (fail-open) or
 * refuses them at once (fail-closed), counting every decision it could not make.
 */
class RateLimitIntegrationTests {

    private static final RedisURI REDIS = RedisURI.create("redis://127.0.0.1:6379");

    @Test
    void tenantBucketHoldsAcrossTwoInstancesSharingRedis() {
        RateLimitProperties properties = properties(new RateLimitProperties.Bucket(0.001, 20),
                new RateLimitProperties.Bucket(1000, 1000), RateLimitProperties.OutagePolicy.FAIL_OPEN);
        RedisRateLimiter one = new RedisRateLimiter(REDIS, properties);
        RedisRateLimiter two = new RedisRateLimiter(REDIS, properties);
        try {
            String tenant = "rl-" + UUID.randomUUID();
            List<RateLimiter.Decision> decisions = Flux.range(0, 100)
                .flatMap(i -> ((i % 2 == 0) ? one : two).tryAcquire(tenant, "key" + (i % 5)), 32)
                .collectList()
                .block(Duration.ofSeconds(10));
            assertThat(decisions).hasSize(100);
            assertThat(decisions).filteredOn(RateLimiter.Decision::allowed).hasSize(20);
            RateLimiter.Decision refused = decisions.stream().filter(d -> !d.allowed()).findFirst().orElseThrow();
            assertThat(refused.limit()).isEqualTo(20);
            assertThat(refused.remaining()).isZero();
            assertThat(refused.retryAfterSeconds()).isPositive();
        }
        finally {
            one.destroy();
            two.destroy();
        }
    }

    @Test
    void keyBucketLimitsOneKeyWithoutStarvingTheTenantsOtherKeys() {
        RateLimitProperties properties = properties(new RateLimitProperties.Bucket(1000, 1000),
                new RateLimitProperties.Bucket(0.001, 5), RateLimitProperties.OutagePolicy.FAIL_OPEN);
        RedisRateLimiter limiter = new RedisRateLimiter(REDIS, properties);
        try {
            String tenant = "rl-" + UUID.randomUUID();
            long first = Flux.range(0, 20).concatMap(i -> limiter.tryAcquire(tenant, "a")).filter(RateLimiter.Decision::allowed)
                .count().block(Duration.ofSeconds(10));
            long second = Flux.range(0, 20).concatMap(i -> limiter.tryAcquire(tenant, "b")).filter(RateLimiter.Decision::allowed)
                .count().block(Duration.ofSeconds(10));
            assertThat(first).isEqualTo(5);
            assertThat(second).isEqualTo(5);
        }
        finally {
            limiter.destroy();
        }
    }

    @Test
    void redisDownFailsOpenAtOnceAndCountsTheErrors() throws Exception {
        RateLimitProperties properties = properties(new RateLimitProperties.Bucket(1, 1), new RateLimitProperties.Bucket(1, 1),
                RateLimitProperties.OutagePolicy.FAIL_OPEN);
        RedisRateLimiter limiter = new RedisRateLimiter(RedisURI.create("redis://127.0.0.1:" + closedPort()), properties);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RateLimitGlobalFilter filter = new RateLimitGlobalFilter(limiter, properties, registry);
        AtomicInteger forwarded = new AtomicInteger();
        GatewayFilterChain chain = exchange -> Mono.fromRunnable(forwarded::incrementAndGet);
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                filter.filter(exchange(), chain).block(Duration.ofSeconds(5));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(forwarded).hasValue(20);
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertThat(registry.get("gateway.ratelimit.redis.errors").counter().count()).isEqualTo(20);
        }
        finally {
            limiter.destroy();
        }
    }

    @Test
    void redisDownFailsClosedAtOnceWhenConfigured() throws Exception {
        RateLimitProperties properties = properties(new RateLimitProperties.Bucket(1, 1), new RateLimitProperties.Bucket(1, 1),
                RateLimitProperties.OutagePolicy.FAIL_CLOSED);
        RedisRateLimiter limiter = new RedisRateLimiter(RedisURI.create("redis://127.0.0.1:" + closedPort()), properties);
        RateLimitGlobalFilter filter = new RateLimitGlobalFilter(limiter, properties, new SimpleMeterRegistry());
        try {
            Throwable refused = catchThrowable(() -> filter.filter(exchange(), exchange -> Mono.empty()).block(Duration.ofSeconds(5)));
            assertThat(refused).isInstanceOf(GatewayException.class);
            assertThat(((GatewayException) refused).type()).isEqualTo(ProblemType.SERVICE_UNAVAILABLE);
        }
        finally {
            limiter.destroy();
        }
    }

    @Test
    void overTheLimitIs429WithRetryAfterAndRateLimitHeaders() {
        RateLimitProperties properties = properties(new RateLimitProperties.Bucket(0.5, 2), new RateLimitProperties.Bucket(100, 100),
                RateLimitProperties.OutagePolicy.FAIL_OPEN);
        RateLimitGlobalFilter filter = new RateLimitGlobalFilter(new LocalRateLimiter(properties), properties,
                new SimpleMeterRegistry());
        MockServerWebExchange allowed = exchange();
        filter.filter(allowed, exchange -> Mono.empty()).block();
        assertThat(allowed.getResponse().getHeaders().getFirst(RateLimitGlobalFilter.LIMIT)).isEqualTo("2");
        assertThat(allowed.getResponse().getHeaders().getFirst(RateLimitGlobalFilter.REMAINING)).isEqualTo("1");
        assertThat(allowed.getResponse().getHeaders().getFirst(RateLimitGlobalFilter.RESET)).isEqualTo("2");
        filter.filter(exchange(), exchange -> Mono.empty()).block();
        Throwable refused = catchThrowable(() -> filter.filter(exchange(), exchange -> Mono.empty()).block());
        assertThat(refused).isInstanceOf(GatewayException.class);
        GatewayException problem = (GatewayException) refused;
        assertThat(problem.type()).isEqualTo(ProblemType.RATE_LIMITED);
        assertThat(problem.headers()).containsEntry("Retry-After", "2")
            .containsEntry(RateLimitGlobalFilter.LIMIT, "2")
            .containsEntry(RateLimitGlobalFilter.REMAINING, "0")
            .containsKey(RateLimitGlobalFilter.RESET);
    }

    /** Limits with a 1 s Redis timeout: generous for two shared cores, still far below any connect timeout. */
    private static RateLimitProperties properties(RateLimitProperties.Bucket tenant, RateLimitProperties.Bucket key,
            RateLimitProperties.OutagePolicy policy) {
        return new RateLimitProperties(true, tenant, key, Map.of(),
                new RateLimitProperties.Redis(true, Duration.ofSeconds(1), Duration.ofSeconds(5), policy, "igw:test:rl:"));
    }

    private static MockServerWebExchange exchange() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/vapi/assistant"));
        Tenant tenant = new Tenant("rl-tenant", "Rate limited", false, VapiMode.DEDICATED_ORG, TelephonyMode.BYO_TWILIO);
        exchange.getAttributes().put(GatewayAttributes.TENANT, new TenantContext(tenant, "key1"));
        return exchange;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
