package com.intellidial.gateway.routing;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.validation.annotation.Validated;

/**
 * The upstream services ({@code gateway.upstreams.*}).
 * @param vapi the VAPI API
 * @param twilio the Twilio REST API
 */
@ConfigurationProperties(UpstreamProperties.PREFIX)
@Validated
public record UpstreamProperties(@Valid @NotNull @DefaultValue({ "https://api.vapi.ai" }) Endpoint vapi,
        @Valid @NotNull @DefaultValue({ "https://api.twilio.com" }) Endpoint twilio) {

    public static final String PREFIX = "gateway.upstreams";

    /**
     * One upstream.
     * @param baseUrl scheme, host and port of the upstream (no path); credentials are attached only
     * to requests for exactly this origin
     * @param connectTimeout how long to wait for a TCP connection
     * @param responseTimeout how long to wait for the response headers after sending the request
     */
    public record Endpoint(@NotNull URI baseUrl, @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("30s") Duration responseTimeout) {

        public Endpoint {
            Assert.isTrue("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()),
                    () -> "upstream base-url must be http or https: " + baseUrl);
            Assert.hasText(baseUrl.getHost(), () -> "upstream base-url needs a host: " + baseUrl);
            Assert.isTrue(baseUrl.getRawPath() == null || baseUrl.getRawPath().isEmpty() || "/".equals(baseUrl.getRawPath()),
                    () -> "upstream base-url must not have a path: " + baseUrl);
        }
    }
}
