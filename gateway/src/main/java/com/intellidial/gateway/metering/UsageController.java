package com.intellidial.gateway.metering;

import java.time.Clock;

import com.intellidial.gateway.tenant.ApiKeyResolver;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage?from=&to=&granularity=}: a tenant reads its own usage, authenticated with
 * its gateway key exactly like a proxied request. There is no tenant parameter: the key decides.
 * Each read takes a token from the same tenant and key buckets as proxied requests (a report is a
 * database aggregate, so an unlimited loop would load PostgreSQL for every tenant); like the proxied
 * routes, a bucket-store outage lets the read through.
 */
@RestController
class UsageController {

    private final ApiKeyResolver keys;

    private final UsageReports reports;

    private final @Nullable RateLimiter limiter;

    private final Clock clock = Clock.systemUTC();

    UsageController(ApiKeyResolver keys, UsageReports reports, ObjectProvider<RateLimiter> limiter) {
        this.keys = keys;
        this.reports = reports;
        this.limiter = limiter.getIfAvailable();
    }

    @GetMapping("/v1/usage")
    Mono<UsageReport> usage(@RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to,
            @RequestParam(required = false) @Nullable String granularity, ServerHttpRequest request,
            ServerHttpResponse response) {
        return this.keys.authenticate(request).flatMap(tenant -> limit(tenant, response).then(Mono.defer(() -> {
            UsageQuery query = UsageQuery.parse(from, to, granularity, this.clock.instant());
            return this.reports.report(tenant.tenantId(), query);
        })));
    }

    private Mono<Void> limit(TenantContext tenant, ServerHttpResponse response) {
        RateLimiter limiter = this.limiter;
        if (limiter == null) {
            return Mono.empty();
        }
        return limiter.tryAcquire(tenant.tenantId(), tenant.keyId())
            .onErrorResume(ex -> Mono.empty())
            .flatMap(decision -> {
                HttpHeaders headers = response.getHeaders();
                headers.set(RateLimitGlobalFilter.LIMIT, Long.toString(decision.limit()));
                headers.set(RateLimitGlobalFilter.REMAINING, Long.toString(decision.remaining()));
                headers.set(RateLimitGlobalFilter.RESET, Long.toString(decision.resetSeconds()));
                if (decision.allowed()) {
                    return Mono.<Void>empty();
                }
                return Mono.error(new GatewayException(ProblemType.RATE_LIMITED,
                        "Rate limit exceeded; retry after " + decision.retryAfterSeconds() + " s")
                    .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()))
                    .withHeader(RateLimitGlobalFilter.LIMIT, Long.toString(decision.limit()))
                    .withHeader(RateLimitGlobalFilter.REMAINING, Long.toString(decision.remaining()))
                    .withHeader(RateLimitGlobalFilter.RESET, Long.toString(decision.resetSeconds())));
            });
    }
}
