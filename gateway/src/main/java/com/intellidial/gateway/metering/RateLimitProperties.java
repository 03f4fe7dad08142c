package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-tenant and per-key rate limits ({@code gateway.rate-limits.*}): token buckets, in Redis when
 * enabled (shared by every instance), otherwise in this process.
 * @param enabled whether proxied requests are rate limited at all
 * @param tenant the default bucket of every tenant (application.yml: 50/s, burst 100)
 * @param key the default bucket of every gateway key (application.yml: 20/s, burst 40)
 * @param tenants tenant id to its own tenant bucket, overriding {@code tenant}
 * @param redis the shared Redis buckets
 */
@ConfigurationProperties(RateLimitProperties.PREFIX)
@Validated
public record RateLimitProperties(@DefaultValue("true") boolean enabled,
        @Valid @NotNull Bucket tenant, @Valid @NotNull Bucket key,
        @Valid @NotNull @DefaultValue Map<String, Bucket> tenants, @Valid @NotNull @DefaultValue Redis redis) {

    public static final String PREFIX = "gateway.rate-limits";

    /** The tenant bucket of a tenant: its override, else the default. */
    Bucket tenantBucket(String tenantId) {
        return this.tenants.getOrDefault(tenantId, this.tenant);
    }

    /**
     * A token bucket.
     * @param replenishRate tokens added per second (the sustained request rate)
     * @param burstCapacity the most tokens the bucket holds (the largest burst)
     */
    public record Bucket(@DecimalMin("0.001") double replenishRate, @Min(1) long burstCapacity) {
    }

    /**
     * Redis-backed buckets and what happens when Redis is unreachable.
     * @param enabled whether buckets live in Redis ({@code spring.data.redis.*}); otherwise in-process
     * @param timeout how long one Redis call may take before it counts as failed; keep it short, it
     * is added to every request while Redis hangs
     * @param retryInterval after a failure, how long Redis is left alone (the outage policy applies
     * at once) before the next request tries it again
     * @param outagePolicy what a request gets while Redis is failing
     * @param keyPrefix the prefix of every Redis key
     */
    public record Redis(@DefaultValue("false") boolean enabled, @NotNull @DefaultValue("100ms") Duration timeout,
            @NotNull @DefaultValue("5s") Duration retryInterval,
            @NotNull @DefaultValue("fail-open") OutagePolicy outagePolicy, @NotNull @DefaultValue("igw:rl:") String keyPrefix) {
    }

    /** What a request gets while the shared store behind a limit is failing. */
    public enum OutagePolicy {

        /** The request goes through unlimited; counted in a metric and logged at most once a minute. */
        FAIL_OPEN,

        /** The request is refused with 503, so no tenant can exceed its limit during an outage. */
        FAIL_CLOSED

    }
}
