package com.intellidial.gateway.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a tenant's answer to a message VAPI waits on into what VAPI gets. VAPI always gets HTTP 200
 * and a JSON object (it ignores the body of any other status, vapi.md section 5.5):
 * <ul>
 * <li>the tenant's answer when it is a JSON object and, for {@code assistant-request}, names only
 * resources the tenant owns ({@code assistantId}, {@code squadId}, {@code workflowId}) and no
 * transient {@code assistant}, {@code squad} or {@code workflow}: a transient one could carry its
 * own {@code server.url} (VAPI would then bypass the gateway, and metering) or another tenant's
 * tool, file or credential ids. Only harmless fields of {@code assistantOverrides},
 * {@code squadOverrides} and {@code workflowOverrides} pass, and no other top-level field. A
 * {@code transfer-destination-request} answer may name a number or a SIP URI, never an assistant
 * (VAPI resolves an {@code assistantName} by name, which cannot be scoped to the tenant here);</li>
 * <li>otherwise a safe fallback: {@code {"error":…}} for {@code assistant-request} and
 * {@code transfer-destination-request}, an error result per tool call for {@code tool-calls}, no
 * documents for {@code knowledge-base-request}.</li>
 * </ul>
 */
class VapiAnswers {

    private static final Logger log = LoggerFactory.getLogger(VapiAnswers.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Resource ids an {@code assistant-request} answer may name, with their ownership type. */
    private static final Map<String, String> ANSWER_REFS = Map.of("assistantId", "assistant", "squadId", "squad",
            "workflowId", "workflow");

    /** Transient resources an {@code assistant-request} answer may not carry. */
    private static final Set<String> TRANSIENT = Set.of("assistant", "squad", "workflow");

    /**
     * Override objects of an {@code assistant-request} answer; one policy applies to all of them, since
     * each can carry a {@code server.url} (VAPI would send later messages, and in bearer mode the
     * platform's webhook token, elsewhere) or another tenant's ids.
     */
    private static final Set<String> OVERRIDES = Set.of("assistantOverrides", "squadOverrides", "workflowOverrides");

    /** The top-level fields of an {@code assistant-request} answer that are kept; anything else is dropped. */
    private static final Set<String> ANSWER_FIELDS = Set.of("assistantId", "squadId", "workflowId", "assistantOverrides",
            "squadOverrides", "workflowOverrides", "error");

    /** The override fields that reference nothing and point nowhere. */
    private static final Set<String> SAFE_OVERRIDES = Set.of("variableValues", "metadata", "firstMessage",
            "firstMessageMode", "voicemailMessage", "endCallMessage", "maxDurationSeconds");

    private final VapiOwnership ownership;

    VapiAnswers(VapiOwnership ownership) {
        this.ownership = ownership;
    }

    /**
     * The body to answer VAPI with.
     * @param tenantId the tenant that answered
     * @param message the message it answered
     * @param answer the tenant's 2xx body, or {@code null} when it failed, was late or had no URL
     * @return JSON bytes, never empty
     */
    Mono<byte[]> toVapi(String tenantId, VapiServerMessage message, byte @Nullable [] answer) {
        ObjectNode parsed = (answer != null) ? parseObject(answer) : null;
        if (parsed == null) {
            return Mono.just(fallback(message));
        }
        if (message.type().equals("transfer-destination-request") && namesAnAssistant(parsed.get("destination"))) {
            log.debug("Tenant {} answered a transfer-destination-request with an assistant destination; refused", tenantId);
            return Mono.just(fallback(message));
        }
        if (!message.type().equals("assistant-request")) {
            return Mono.just(JSON.writeValueAsBytes(parsed));
        }
        for (String field : TRANSIENT) {
            if (parsed.has(field)) {
                log.debug("Tenant {} answered an assistant-request with a transient {}; refused", tenantId, field);
                return Mono.just(fallback(message));
            }
        }
        parsed.retain(ANSWER_FIELDS);
        for (String field : OVERRIDES) {
            JsonNode overrides = parsed.get(field);
            if (overrides instanceof ObjectNode object) {
                object.retain(SAFE_OVERRIDES);
            }
            else if (overrides != null) {
                parsed.remove(field);
            }
        }
        List<Map.Entry<String, String>> refs = new ArrayList<>();
        ANSWER_REFS.forEach((field, type) -> {
            String id = VapiServerMessage.text(parsed, field);
            if (id != null) {
                refs.add(Map.entry(type, id));
            }
            else if (parsed.has(field)) {
                parsed.remove(field);
            }
        });
        return Flux.fromIterable(refs)
            .concatMap(ref -> this.ownership.ownerOf(ref.getKey(), ref.getValue()).defaultIfEmpty(""))
            .all(tenantId::equals)
            .map(owned -> {
                if (!owned) {
                    log.debug("Tenant {} answered an assistant-request naming a resource it does not own", tenantId);
                    return fallback(message);
                }
                return JSON.writeValueAsBytes(parsed);
            });
    }

    /**
     * Whether a transfer destination names an assistant ({@code type: assistant}, an
     * {@code assistantName}): VAPI resolves it by name, which the gateway cannot scope to the
     * tenant's assistants here (the message does not say which squad the call runs in). Number and
     * SIP destinations pass.
     */
    private static boolean namesAnAssistant(@Nullable JsonNode destination) {
        if (!(destination instanceof ObjectNode object)) {
            return false;
        }
        JsonNode type = object.get("type");
        return object.has("assistantName") || object.has("assistantId") || object.has("assistant")
                || (type != null && type.isString() && type.stringValue().equals("assistant"));
    }

    /** The safe answer when the tenant's cannot be used. */
    static byte[] fallback(VapiServerMessage message) {
        ObjectNode body = JSON.createObjectNode();
        switch (message.type()) {
            case "tool-calls" -> {
                ArrayNode results = body.putArray("results");
                for (String id : toolCallIds(message.message())) {
                    results.addObject().put("toolCallId", id).put("error", "The tool is unavailable right now.");
                }
            }
            case "knowledge-base-request" -> body.putArray("documents");
            case "transfer-destination-request" -> body.put("error", "The transfer is unavailable right now.");
            default -> body.put("error", "The assistant is unavailable right now. Please try again later.");
        }
        return JSON.writeValueAsBytes(body);
    }

    private static List<String> toolCallIds(JsonNode message) {
        List<String> ids = new ArrayList<>();
        for (JsonNode call : message.path("toolCallList")) {
            String id = VapiServerMessage.text(call, "id");
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            for (JsonNode tool : message.path("toolWithToolCallList")) {
                String id = VapiServerMessage.text(tool.path("toolCall"), "id");
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    private static @Nullable ObjectNode parseObject(byte[] answer) {
        try {
            return (JSON.readTree(answer) instanceof ObjectNode object) ? object : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }
}
