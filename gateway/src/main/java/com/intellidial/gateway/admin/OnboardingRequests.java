package com.intellidial.gateway.admin;

import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.onboarding.OnboardingRequest;

/**
 * The admin API's validation of an onboarding body, for callers outside this package (the
 * console): one set of rules, whichever way an onboarding arrives.
 */
public final class OnboardingRequests {

    private OnboardingRequests() {
    }

    /**
     * Validates an onboarding body as {@code POST /admin/v1/onboardings} does.
     * @throws com.intellidial.gateway.web.GatewayException a 400 problem naming the field
     */
    public static OnboardingRequest parse(JsonNode body) {
        return OnboardingController.parse(body);
    }
}
