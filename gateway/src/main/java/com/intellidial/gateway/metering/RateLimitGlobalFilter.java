package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Per-tenant and per-key token buckets on every proxied request: over the limit is a 429
 * {@code rate-limited} problem with {@code Retry-After}; every answer carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}. When the
 * bucket store fails, the outage policy decides, at once: after a failure the store is not asked
 * again for {@code retry-interval}, so a dead Redis costs requests nothing.
 */
final class RateLimitGlobalFilter implements GlobalFilter, Ordered {

    static final String LIMIT = "RateLimit-Limit";

    static final String REMAINING = "RateLimit-Remaining";

    static final String RESET = "RateLimit-Reset";

    private static final Logger log = LoggerFactory.getLogger(RateLimitGlobalFilter.class);

    private final RateLimiter limiter;

    private final RateLimitProperties.OutagePolicy outagePolicy;

    private final long retryIntervalNanos;

    private final MeterRegistry registry;

    private final Counter storeErrors;

    private final ThrottledLog outageLog = new ThrottledLog(log, Duration.ofMinutes(1));

    /** Until when (nanos) the store is skipped after a failure; 0 while it is healthy. */
    private final AtomicLong skipUntil = new AtomicLong();

    RateLimitGlobalFilter(RateLimiter limiter, RateLimitProperties properties, MeterRegistry registry) {
        this.limiter = limiter;
        this.outagePolicy = properties.redis().outagePolicy();
        this.retryIntervalNanos = properties.redis().retryInterval().toNanos();
        this.registry = registry;
        this.storeErrors = Counter.builder("gateway.ratelimit.redis.errors")
            .description("Rate-limit decisions the bucket store failed to make (outage policy applied)")
            .register(registry);
    }

    @Override
    public int getOrder() {
        return FilterOrder.RATE_LIMIT;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        TenantContext tenant = TenantContext.require(exchange);
        long skip = this.skipUntil.get();
        if (skip != 0 && System.nanoTime() - skip < 0) {
            return onOutage(exchange, chain, null);
        }
        return this.limiter.tryAcquire(tenant.tenantId(), tenant.keyId())
            .doOnNext(decision -> this.skipUntil.set(0))
            .onErrorResume(ex -> {
                this.skipUntil.set(System.nanoTime() + this.retryIntervalNanos);
                return onOutage(exchange, chain, ex).then(Mono.empty());
            })
            .flatMap(decision -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.set(LIMIT, Long.toString(decision.limit()));
                headers.set(REMAINING, Long.toString(decision.remaining()));
                headers.set(RESET, Long.toString(decision.resetSeconds()));
                if (decision.allowed()) {
                    return chain.filter(exchange).thenReturn(decision);
                }
                Counter.builder("gateway.ratelimit.rejected")
                    .description("Requests refused by a rate limit")
                    .tag(TenantTags.TAG, tenant.tenantId())
                    .register(this.registry)
                    .increment();
                return Mono.error(new GatewayException(ProblemType.RATE_LIMITED,
                        "Rate limit exceeded; retry after " + decision.retryAfterSeconds() + " s")
                    .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()))
                    .withHeader(LIMIT, Long.toString(decision.limit()))
                    .withHeader(REMAINING, Long.toString(decision.remaining()))
                    .withHeader(RESET, Long.toString(decision.resetSeconds())));
            })
            .then();
    }

    private Mono<Void> onOutage(ServerWebExchange exchange, GatewayFilterChain chain, @org.jspecify.annotations.Nullable Throwable ex) {
        this.storeErrors.increment();
        if (ex != null) {
            this.outageLog.warn("Rate-limit store failed ({}); applying outage policy {} for {} ms", ex.toString(),
                    this.outagePolicy, this.retryIntervalNanos / 1_000_000);
        }
        if (this.outagePolicy == RateLimitProperties.OutagePolicy.FAIL_CLOSED) {
            return Mono.error(new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "Rate limiting is temporarily unavailable; retry shortly")
                .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryIntervalNanos / 1_000_000_000))));
        }
        // Fail open (default): a rate-limit outage must not become a platform outage; the metric
        // and the throttled warning make the unlimited window visible.
        return chain.filter(exchange);
    }
}
