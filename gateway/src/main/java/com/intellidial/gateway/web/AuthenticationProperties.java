package com.intellidial.gateway.web;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Failed-authentication limits per client address ({@code gateway.authentication.*}), see
 * {@link FailedAuthentications}. Behind a load balancer the client address is the balancer's unless
 * {@code server.forward-headers-strategy} makes the gateway read the forwarded one.
 * @param maxFailures failed attempts an address may make per window before lookups are refused
 * @param failureWindow how long failures count, counted from an address's first failure
 * @param maxAddresses the most addresses tracked at once
 */
@ConfigurationProperties("gateway.authentication")
@Validated
public record AuthenticationProperties(@Min(1) @DefaultValue("30") int maxFailures,
        @NotNull @DefaultValue("60s") Duration failureWindow, @Min(1) @DefaultValue("100000") long maxAddresses) {
}
