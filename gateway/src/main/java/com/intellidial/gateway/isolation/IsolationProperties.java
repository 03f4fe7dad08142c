package com.intellidial.gateway.isolation;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Tenant isolation ({@code gateway.isolation.*}).
 * @param ownershipTtl how long a known owner (or alias) stays cached; writes evict at once on every instance
 * @param negativeTtl how long "nobody owns this" stays cached, bounding how long a missed eviction can hide a new resource
 * @param cacheSize the most ownership entries cached per instance
 * @param maxResponseSize the largest upstream JSON answer the gateway reads to record created ids, and the largest
 * single item of a list (lists stream item by item)
 * @param listFetchLimit the {@code limit} asked of VAPI for every list (the window the tenant's own items are paged in)
 */
@ConfigurationProperties(IsolationProperties.PREFIX)
@Validated
public record IsolationProperties(@NotNull @DefaultValue("10m") Duration ownershipTtl,
        @NotNull @DefaultValue("30s") Duration negativeTtl, @Min(1000) @DefaultValue("500000") long cacheSize,
        @NotNull @DefaultValue("32MB") DataSize maxResponseSize, @Min(1) @DefaultValue("1000") int listFetchLimit) {

    public static final String PREFIX = "gateway.isolation";
}
