package com.intellidial.gateway.credentials;

import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * A secret's path below the gateway's root in the secret store (DESIGN.md section 6), e.g.
 * {@code platform/vapi} or {@code tenants/acme/twilio}. In Vault it lives at
 * {@code secret/data/gateway/<path>}. Only the shapes below can be built, so a tenant id can never
 * smuggle {@code ..} or another tenant's path in.
 */
public record SecretPath(String value) {

    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public SecretPath {
        Assert.hasText(value, "path must not be empty");
        for (String segment : value.split("/", -1)) {
            Assert.isTrue(SEGMENT.matcher(segment).matches(), () -> "invalid secret path: " + value);
        }
    }

    /** {@code platform/vapi}: the platform's VAPI key ({@code api_key}). */
    public static SecretPath platformVapi() {
        return new SecretPath("platform/vapi");
    }

    /** {@code platform/twilio}: the platform's Twilio account ({@code account_sid}, {@code auth_token}). */
    public static SecretPath platformTwilio() {
        return new SecretPath("platform/twilio");
    }

    /**
     * {@code platform/vapi-webhook}: the credential VAPI presents to the gateway's webhook endpoint
     * ({@code bearer_token} and/or {@code hmac_secret}).
     */
    public static SecretPath platformVapiWebhook() {
        return new SecretPath("platform/vapi-webhook");
    }

    /** {@code tenants/{id}/vapi}: a dedicated-org tenant's VAPI key ({@code api_key}). */
    public static SecretPath tenantVapi(String tenantId) {
        return new SecretPath("tenants/" + tenantId + "/vapi");
    }

    /** {@code tenants/{id}/twilio}: a tenant's Twilio account credential. */
    public static SecretPath tenantTwilio(String tenantId) {
        return new SecretPath("tenants/" + tenantId + "/twilio");
    }

    /**
     * {@code tenants/{id}/vapi-webhook}: the tenant's own VAPI webhook credential ({@code hmac_secret}
     * and/or {@code bearer_token}, and the VAPI {@code credential_id} that holds them), so one leaked
     * secret opens one tenant's webhook only.
     */
    public static SecretPath tenantVapiWebhook(String tenantId) {
        return new SecretPath("tenants/" + tenantId + "/vapi-webhook");
    }

    /** {@code tenants/{id}/webhook}: a tenant's webhook signing secret ({@code signing_secret}). */
    public static SecretPath tenantWebhook(String tenantId) {
        return new SecretPath("tenants/" + tenantId + "/webhook");
    }

    /**
     * {@code tenants/{id}/onboarding}: the first gateway key of an onboarding ({@code api_key}), so
     * a retry with the same Idempotency-Key can answer what the first call answered.
     */
    public static SecretPath tenantOnboarding(String tenantId) {
        return new SecretPath("tenants/" + tenantId + "/onboarding");
    }

    @Override
    public String toString() {
        return this.value;
    }
}
