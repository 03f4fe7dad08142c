package com.intellidial.gateway.onboarding;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;

/**
 * What an onboarding asks for, already validated by the admin API.
 * @param tenantId the new tenant's id
 * @param tenantName its display name
 * @param vapiMode shared-org or dedicated-org
 * @param vapiApiKey the private API key of the tenant's own VAPI org ({@code dedicated-org} only)
 * @param vapiWebhookCredentialId the id of the webhook credential in that org, if any
 * @param telephony the telephony mode and what it needs
 * @param template the assistant template
 * @param overrides template overrides ({@link AssistantTemplates#OVERRIDES})
 * @param webhookUrl the tenant's own webhook URL
 */
public record OnboardingRequest(String tenantId, String tenantName, VapiMode vapiMode, @Nullable String vapiApiKey,
        @Nullable String vapiWebhookCredentialId, Telephony telephony, String template, Map<String, String> overrides,
        String webhookUrl) {

    public OnboardingRequest {
        overrides = Map.copyOf(overrides);
    }

    /**
     * The telephony step.
     * @param mode the telephony mode
     * @param areaCode the US area code to search in ({@code vapi-number}, {@code platform-twilio}, {@code shared-pool})
     * @param accountSid the client's account ({@code byo-twilio})
     * @param authToken its auth token ({@code byo-twilio}; or an API key)
     * @param apiKeySid an API key of the account ({@code byo-twilio})
     * @param apiKeySecret the API key's secret
     * @param number the client's number to import ({@code byo-twilio}), E.164
     */
    public record Telephony(TelephonyMode mode, @Nullable Integer areaCode, @Nullable String accountSid,
            @Nullable String authToken, @Nullable String apiKeySid, @Nullable String apiKeySecret,
            @Nullable String number) {

        @Override
        public String toString() {
            return "Telephony[" + this.mode.wire() + ", areaCode=" + this.areaCode + ", accountSid=" + this.accountSid
                    + ", number=" + this.number + "]";
        }
    }

    @Override
    public String toString() {
        return "OnboardingRequest[" + this.tenantId + ", " + this.vapiMode.wire() + ", " + this.telephony + ", template="
                + this.template + "]";
    }
}
