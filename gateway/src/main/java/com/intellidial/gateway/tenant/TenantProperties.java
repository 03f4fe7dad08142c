package com.intellidial.gateway.tenant;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway key resolution ({@code gateway.tenants.*}).
 * @param keyCache the cache of key id to key record and tenant
 * @param keyEnv the environment segment of the keys the key service issues ({@code igw_<env>_...});
 * never {@code admin}, which marks admin tokens
 */
@ConfigurationProperties(TenantProperties.PREFIX)
@Validated
public record TenantProperties(@Valid @NotNull @DefaultValue KeyCache keyCache,
        @NotNull @Pattern(regexp = "(?!admin$)[a-z0-9]{1,16}") @DefaultValue("live") String keyEnv) {

    public static final String PREFIX = "gateway.tenants";

    /**
     * The key cache. A hit never touches the database; revocation, rotation and suspension evict
     * through the {@code gateway_api_keys} cluster channel on every instance, a reconnect drops the
     * whole cache, and the TTL bounds how long a lost notification can leave a stale entry.
     * @param ttl how long a found key stays cached
     * @param negativeTtl how long an unknown key id stays cached, so floods of bad keys do not reach the database
     * @param maximumSize the most key ids held
     */
    public record KeyCache(@NotNull @DefaultValue("60s") Duration ttl, @NotNull @DefaultValue("5s") Duration negativeTtl,
            @Min(1) @DefaultValue("100000") long maximumSize) {
    }
}
