package com.intellidial.gateway.callbacks;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.validation.annotation.Validated;

/**
 * Webhooks in from VAPI and Twilio and out to tenants ({@code gateway.webhooks.*}).
 * @param publicBaseUrl the gateway's URL as upstreams reach it (scheme, host, port): webhook URLs in
 * tenant request bodies are rewritten to {@code <publicBaseUrl>/webhooks/<upstream>/<tenantId>}, and
 * Twilio signs the URL it calls
 * @param vapiCredentialId the id of the platform's VAPI {@code webhook} credential (created once in the
 * platform's VAPI org, docs/webhooks.md): set as {@code credentialId} next to every {@code server.url} the
 * gateway rewrites, so VAPI authenticates its calls to the gateway; unset, VAPI authenticates only with an
 * org-level credential
 * @param vapi how VAPI's server messages are authenticated and answered
 * @param relay how VAPI server messages and Twilio status callbacks are relayed to the tenant's own URL
 */
@ConfigurationProperties(WebhooksProperties.PREFIX)
@Validated
public record WebhooksProperties(@NotNull @DefaultValue("http://localhost:8080") URI publicBaseUrl,
        @Nullable String vapiCredentialId, @Valid @NotNull @DefaultValue Vapi vapi, @Valid @NotNull @DefaultValue Relay relay) {

    public static final String PREFIX = "gateway.webhooks";

    public WebhooksProperties {
        Assert.isTrue("http".equals(publicBaseUrl.getScheme()) || "https".equals(publicBaseUrl.getScheme()),
                () -> "gateway.webhooks.public-base-url must be http or https: " + publicBaseUrl);
        Assert.hasText(publicBaseUrl.getHost(), () -> "gateway.webhooks.public-base-url needs a host: " + publicBaseUrl);
        Assert.isTrue(vapiCredentialId == null || !vapiCredentialId.isBlank(),
                "gateway.webhooks.vapi-credential-id must not be blank when set");
    }

    /** The URL VAPI or Twilio calls for one tenant's webhooks, e.g. {@code https://gw.example/webhooks/vapi/acme}. */
    public String tenantUrl(String upstream, String tenantId) {
        return url("/webhooks/" + upstream + "/" + tenantId);
    }

    /** The public URL of {@code path} (which starts with {@code /}). */
    public String url(String path) {
        String base = this.publicBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /**
     * VAPI's side of {@code POST /webhooks/vapi/{tenantId}}. The expected credential itself lives in
     * the secret store at {@code platform/vapi-webhook}.
     * @param bearerHeader the header carrying the bearer token (the credential's {@code headerName});
     * a {@code Bearer } prefix is accepted and removed
     * @param signatureHeader the header carrying the HMAC-SHA256 hex signature of
     * {@code {timestamp}.{body}}
     * @param timestampHeader the header carrying the signing timestamp (seconds or milliseconds)
     * @param maxClockSkew how far an HMAC timestamp may be from now; older or later messages are
     * refused as replays
     * @param assistantRequestTimeout how long the tenant gets to answer an {@code assistant-request};
     * VAPI allows 7.5 s end to end, so this leaves a margin for both network legs
     * @param answerTimeout how long the tenant gets to answer the other messages that expect an answer
     * (VAPI's {@code server.timeoutSeconds} defaults to 20 s)
     */
    public record Vapi(@NotBlank @DefaultValue("Authorization") String bearerHeader,
            @NotBlank @DefaultValue("x-signature") String signatureHeader,
            @NotBlank @DefaultValue("x-timestamp") String timestampHeader,
            @NotNull @DefaultValue("5m") Duration maxClockSkew,
            @NotNull @DefaultValue("6500ms") Duration assistantRequestTimeout,
            @NotNull @DefaultValue("18s") Duration answerTimeout) {
    }

    /**
     * Relaying to the tenant's own URL.
     * @param connectTimeout how long to wait for a TCP connection to the tenant
     * @param responseTimeout how long to wait for the tenant's response to an asynchronous message
     * @param maxAttempts how many times an asynchronous message is sent at most (first try included)
     * @param initialBackoff the delay before the first retry; doubled on each further retry
     * @param maxBackoff the largest delay between two retries
     * @param jitter the random share of each delay (0 to 1)
     * @param maxInFlight how many asynchronous relays may be pending at once; beyond that a message is
     * dropped (and counted) instead of queued, so a slow tenant cannot exhaust memory
     * @param drainTimeout how long a stopping instance waits for pending asynchronous relays
     * @param allowPrivateTargets whether relays (VAPI and Twilio) may go to loopback, link-local, private,
     * CGNAT and other internal addresses; only for local runs and tests, never in production (SSRF)
     * @param maxInFlightPerTenant how many of the {@code maxInFlight} relays one tenant may hold; beyond that
     * that tenant's messages are dropped (and counted), so one tenant's hanging endpoint cannot take every
     * tenant's relay slots
     */
    public record Relay(@NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("10s") Duration responseTimeout, @Min(1) @DefaultValue("5") int maxAttempts,
            @NotNull @DefaultValue("1s") Duration initialBackoff, @NotNull @DefaultValue("1m") Duration maxBackoff,
            @DecimalMin("0") @DecimalMax("1") @DefaultValue("0.5") double jitter,
            @Min(1) @DefaultValue("1000") int maxInFlight, @NotNull @DefaultValue("10s") Duration drainTimeout,
            @DefaultValue("false") boolean allowPrivateTargets, @Min(1) @DefaultValue("100") int maxInFlightPerTenant) {
    }
}
