package com.intellidial.gateway.tenant;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway key resolution ({@code gateway.tenants.*}).
 * @param keyCache the cache of key id to key record and tenant
 */
@ConfigurationProperties(TenantProperties.PREFIX)
@Validated
public record TenantProperties(@Valid @NotNull @DefaultValue KeyCache keyCache) {

    public static final String PREFIX = "gateway.tenants";

    /**
     * The key cache. A hit never touches the database; key changes evict through events, and the
     * TTL bounds how long a missed event can leave a stale entry.
     * @param ttl how long a found key stays cached
     * @param negativeTtl how long an unknown key id stays cached, so floods of bad keys do not reach the database
     * @param maximumSize the most key ids held
     */
    public record KeyCache(@NotNull @DefaultValue("60s") Duration ttl, @NotNull @DefaultValue("5s") Duration negativeTtl,
            @Min(1) @DefaultValue("100000") long maximumSize) {
    }
}
