package com.intellidial.gateway.webhooks;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhooks in and out ({@code gateway.webhooks.*}).
 * @param publicBaseUrl the gateway's URL as upstreams reach it (scheme, host, port): the base of the
 * webhook URLs the gateway gives VAPI and Twilio, and of the URL Twilio signs
 */
@ConfigurationProperties("gateway.webhooks")
@Validated
public record WebhooksProperties(@NotNull @DefaultValue("http://localhost:8080") URI publicBaseUrl) {

    /** The public URL of {@code path} (which starts with {@code /}). */
    public String url(String path) {
        String base = this.publicBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }
}
