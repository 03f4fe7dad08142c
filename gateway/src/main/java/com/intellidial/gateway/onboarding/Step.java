package com.intellidial.gateway.onboarding;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One saga step as recorded.
 * @param name the step ({@code tenant}, {@code key}, {@code webhook-secret}, {@code vapi-credential},
 * {@code twilio-account}, {@code assistant}, {@code phone-number}, {@code attach})
 * @param state {@code done}, {@code skipped}, {@code failed}, {@code compensated} or {@code compensation-failed}
 * @param ids the upstream and gateway ids the step made (never a secret)
 */
public record Step(String name, String state, Map<String, String> ids) {

    public Step {
        ids = Map.copyOf(new LinkedHashMap<>(ids));
    }

    Step withState(String newState) {
        return new Step(this.name, newState, this.ids);
    }
}
