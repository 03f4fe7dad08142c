package com.intellidial.gateway.routing;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Request size limits ({@code gateway.limits.*}).
 * @param maxBodySize the largest request body proxied to an upstream; larger bodies get 413
 * @param maxMultipartSize the largest {@code multipart/form-data} body (file uploads), which streams through
 */
@ConfigurationProperties(LimitsProperties.PREFIX)
@Validated
public record LimitsProperties(@NotNull @DefaultValue("1MB") DataSize maxBodySize,
        @NotNull @DefaultValue("25MB") DataSize maxMultipartSize) {

    public static final String PREFIX = "gateway.limits";
}
