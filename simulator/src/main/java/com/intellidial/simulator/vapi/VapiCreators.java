package com.intellidial.simulator.vapi;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.simulator.http.Json;

/** Creators for families whose stored object adds server-side defaults to the request body. */
final class VapiCreators {

    private VapiCreators() {
    }

    /** {@code POST /campaign}: requires {@code name}; starts {@code scheduled} with zeroed counters. */
    static JsonNode campaign(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = required(request.jsonBody(), "name");
        JsonNode customers = body.get("customers");
        body.put("status", "scheduled");
        body.putObject("calls");
        body.put("callsCounterScheduled", (customers != null && customers.isArray()) ? customers.size() : 0);
        body.put("callsCounterQueued", 0);
        body.put("callsCounterInProgress", 0);
        body.put("callsCounterEndedVoicemail", 0);
        body.put("callsCounterEnded", 0);
        return resources.insert(family, request.orgId(), body);
    }

    /** {@code POST /session}: {@code active} unless the body says otherwise. */
    static JsonNode session(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = request.jsonBody();
        if (!body.hasNonNull("status")) {
            body.put("status", "active");
        }
        return resources.insert(family, request.orgId(), body);
    }

    /** {@code POST /chat}: requires {@code input}; answers with the conversation and a canned assistant output. */
    static JsonNode chat(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = required(request.jsonBody(), "input");
        JsonNode input = body.get("input");
        ArrayNode messages = body.putArray("messages");
        if (input.isArray()) {
            messages.addAll((ArrayNode) input);
        }
        else {
            messages.addObject().put("role", "user").put("content", input.asString(""));
        }
        body.putArray("output").addObject().put("role", "assistant").put("content", "Simulated reply.");
        body.put("cost", 0);
        body.putArray("costs");
        return resources.insert(family, request.orgId(), body);
    }

    /** {@code POST /structured-output}: requires {@code name} and {@code schema}; {@code type} defaults to ai. */
    static JsonNode structuredOutput(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = required(required(request.jsonBody(), "name"), "schema");
        if (!body.hasNonNull("type")) {
            body.put("type", "ai");
        }
        return resources.insert(family, request.orgId(), body);
    }

    /** {@code POST /eval/run}: requires {@code evalId} of the org's eval; starts {@code queued}. */
    static JsonNode evalRun(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = required(request.jsonBody(), "evalId");
        resources.fetch("/eval", request.orgId(), body.get("evalId").asString(""));
        body.put("status", "queued");
        return resources.insert(family, request.orgId(), body);
    }

    /**
     * {@code POST /credential}: requires {@code provider}; a {@code webhook} credential requires an
     * {@code authenticationPlan} of type {@code bearer} (with {@code token}), {@code hmac} (with
     * {@code secretKey}) or {@code oauth2} (vapi.md section 5.7). Server messages of servers naming
     * it by {@code credentialId} are then authenticated with it ({@link VapiWebhooks}).
     */
    static JsonNode credential(VapiResources resources, VapiFamily family, VapiRequest request) {
        ObjectNode body = required(request.jsonBody(), "provider");
        if ("webhook".equals(Json.text(body, "provider"))) {
            if (!(body.get("authenticationPlan") instanceof ObjectNode plan)) {
                throw VapiException.validation("authenticationPlan should not be empty");
            }
            String type = Json.text(plan, "type");
            String secret = switch (String.valueOf(type)) {
                case "bearer" -> "token";
                case "hmac" -> "secretKey";
                case "oauth2" -> "clientSecret";
                default -> throw VapiException.validation("authenticationPlan.type must be one of bearer, hmac, oauth2");
            };
            if (Json.text(plan, secret) == null) {
                throw VapiException.validation("authenticationPlan." + secret + " should not be empty");
            }
        }
        return resources.insert(family, request.orgId(), body);
    }

    private static ObjectNode required(ObjectNode body, String field) {
        if (!body.hasNonNull(field)) {
            throw VapiException.validation(field + " should not be empty");
        }
        return body;
    }
}
