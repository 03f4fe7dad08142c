package com.intellidial.gateway.metering;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.validation.annotation.Validated;

/**
 * The usage ledger and request metering ({@code gateway.metering.*}).
 * @param enabled whether proxied requests are metered (the ledger always takes events from webhooks)
 * @param bufferCapacity the most events held in memory; beyond it events go to the spill file
 * @param batchSize the most events written in one statement; a full batch is flushed at once
 * @param flushInterval the longest an event waits in memory before it is flushed
 * @param writeTimeout how long one batch write may take before it counts as failed (and is spilled)
 * @param spillDir where events are spilled while PostgreSQL cannot take them; one directory per instance
 * @param replayInterval how often the spill file is replayed, which is also how often a down
 * PostgreSQL is probed
 * @param shutdownTimeout how long a graceful shutdown waits for the final flush before spilling
 * @param tenantTags per-tenant metric series
 * @param eventKeyRetention how long a counted event's idempotency key is kept; a duplicate arriving
 * later would count again, so it must outlast any replay (at least a day)
 * @param purgeInterval how often keys past their retention are deleted
 */
@ConfigurationProperties(MeteringProperties.PREFIX)
@Validated
public record MeteringProperties(@DefaultValue("true") boolean enabled, @Min(1) @DefaultValue("10000") int bufferCapacity,
        @Min(1) @DefaultValue("500") int batchSize, @NotNull @DefaultValue("1s") Duration flushInterval,
        @NotNull @DefaultValue("5s") Duration writeTimeout, @NotNull @DefaultValue("./data/spill") Path spillDir,
        @NotNull @DefaultValue("5s") Duration replayInterval, @NotNull @DefaultValue("10s") Duration shutdownTimeout,
        @Valid @NotNull @DefaultValue TenantTags tenantTags, @NotNull @DefaultValue("35d") Duration eventKeyRetention,
        @NotNull @DefaultValue("1h") Duration purgeInterval) {

    public static final String PREFIX = "gateway.metering";

    public MeteringProperties {
        Assert.isTrue(eventKeyRetention.compareTo(Duration.ofDays(1)) >= 0,
                PREFIX + ".event-key-retention must be at least 1d: webhook retries and replays arrive for hours");
        Assert.isTrue(!purgeInterval.isNegative() && !purgeInterval.isZero(), PREFIX + ".purge-interval must be positive");
    }

    /**
     * Bounds the per-tenant metric series: Prometheus keeps one series per tag value.
     * @param max how many distinct tenants get their own {@code tenant} tag value; later ones are tagged {@code other}
     */
    public record TenantTags(@Min(0) @DefaultValue("100") int max) {
    }
}
