package com.intellidial.gateway.webhooks;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.intellidial.gateway.isolation.UpstreamSecrets;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * One VAPI server message ({@code {"message":{"type":…,"call":{…}}}}, vapi.md section 5.1): the raw
 * bytes as received, the parsed {@code message} object, and the ids that decide whose it is.
 * @param body the exact request body, relayed unchanged unless it carries upstream credentials
 * @param message the {@code message} object
 * @param type {@code message.type}
 * @param callId {@code message.call.id}, absent on messages that are not about a call
 * @param assistantId the call's assistant ({@code call.assistantId}, else {@code message.assistant.id})
 * @param phoneNumberId the call's phone number ({@code call.phoneNumberId}, else {@code message.phoneNumber.id})
 * @param squadId the call's squad ({@code call.squadId})
 */
record VapiServerMessage(byte[] body, JsonNode message, String type, @Nullable String callId,
        @Nullable String assistantId, @Nullable String phoneNumberId, @Nullable String squadId) {

    /** The message types VAPI waits on for an answer (vapi.md section 5.5). */
    static final Set<String> ANSWERED = Set.of("assistant-request", "tool-calls", "transfer-destination-request",
            "knowledge-base-request");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The body as relayed to the tenant: VAPI's bytes, unless they carry upstream credentials (a
     * message's {@code phoneNumber} is VAPI's full {@code TwilioPhoneNumber}, auth token included),
     * which are removed first.
     */
    byte[] relayBody() {
        JsonNode root = JSON.readTree(this.body);
        return UpstreamSecrets.strip(root) ? JSON.writeValueAsBytes(root) : this.body;
    }

    /** Parses a request body; a body that is not a server message is a 400 problem. */
    static VapiServerMessage parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        }
        catch (JacksonException ex) {
            throw malformed();
        }
        JsonNode message = (root != null) ? root.get("message") : null;
        if (message == null || !message.isObject() || text(message, "type") == null) {
            throw malformed();
        }
        JsonNode call = message.path("call");
        return new VapiServerMessage(body, message, String.valueOf(text(message, "type")), text(call, "id"),
                first(text(call, "assistantId"), text(message.path("assistant"), "id")),
                first(text(call, "phoneNumberId"), text(message.path("phoneNumber"), "id")), text(call, "squadId"));
    }

    /** Whether VAPI waits for the tenant's answer to this message. */
    boolean expectsAnswer() {
        return ANSWERED.contains(this.type);
    }

    /** A text field of {@code node}, or {@code null} when absent, not text or blank. */
    static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString() : null;
    }

    private static @Nullable String first(@Nullable String preferred, @Nullable String fallback) {
        return (preferred != null) ? preferred : fallback;
    }

    private static GatewayException malformed() {
        return new GatewayException(ProblemType.MALFORMED_REQUEST, "The body is not a VAPI server message.");
    }

    @Override
    public String toString() {
        return "VapiServerMessage[type=" + this.type + ", callId=" + this.callId + "]";
    }
}
