package com.intellidial.gateway.admin;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API ({@code gateway.admin.*}).
 * @param token the shared secret admins send in {@code X-Admin-Token}; when unset the admin API is
 * disabled and answers 404, so an unconfigured gateway exposes nothing
 */
@ConfigurationProperties("gateway.admin")
public record AdminProperties(@Nullable String token) {

    @Override
    public String toString() {
        return "AdminProperties[token=" + ((this.token != null) ? "<redacted>" : "unset") + "]";
    }
}
