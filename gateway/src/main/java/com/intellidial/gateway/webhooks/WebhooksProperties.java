package com.intellidial.gateway.webhooks;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.validation.annotation.Validated;

/**
 * Inbound webhooks ({@code gateway.webhooks.*}).
 * @param publicBaseUrl the gateway's address as VAPI and Twilio reach it; webhook URLs in tenant
 * request bodies are rewritten to {@code <publicBaseUrl>/webhooks/<upstream>/<tenantId>}
 */
@ConfigurationProperties(WebhooksProperties.PREFIX)
@Validated
public record WebhooksProperties(@NotNull @DefaultValue("http://localhost:8080") URI publicBaseUrl) {

    public static final String PREFIX = "gateway.webhooks";

    public WebhooksProperties {
        Assert.isTrue("http".equals(publicBaseUrl.getScheme()) || "https".equals(publicBaseUrl.getScheme()),
                () -> "gateway.webhooks.public-base-url must be http or https: " + publicBaseUrl);
        Assert.hasText(publicBaseUrl.getHost(), () -> "gateway.webhooks.public-base-url needs a host: " + publicBaseUrl);
    }

    /** The URL VAPI or Twilio calls for one tenant's webhooks, e.g. {@code https://gw.example/webhooks/vapi/acme}. */
    public String tenantUrl(String upstream, String tenantId) {
        String base = this.publicBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/webhooks/" + upstream + "/" + tenantId;
    }
}
