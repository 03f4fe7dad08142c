package com.intellidial.gateway.metering;

import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of usage events: one line of the spill file, and the kind names the ledger stores.
 * A line is {@code {"kind": "...", "event": {...}}}; numbers keep their exact decimal value.
 */
final class UsageEventCodec {

    /** Every event type the ledger counts, by its stable kind name. */
    static final Map<String, Class<? extends UsageEvent>> KINDS = Map.of("request", RequestUsage.class,
            "call-created", CallCreated.class, "call-ended", CallEnded.class, "twilio-call", TwilioCallUsage.class,
            "twilio-message", TwilioMessageUsage.class);

    private static final Map<Class<?>, String> NAMES = KINDS.entrySet()
        .stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    static final JsonMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private UsageEventCodec() {
    }

    /** The kind name of a supported event, or {@code null} for a type the ledger does not know. */
    static @Nullable String kind(UsageEvent event) {
        return NAMES.get(event.getClass());
    }

    /** One JSON line, without the line break. */
    static String encode(UsageEvent event) {
        String kind = kind(event);
        if (kind == null) {
            throw new IllegalArgumentException("unsupported usage event " + event.getClass().getName());
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("kind", kind);
        line.set("event", JSON.valueToTree(event));
        return JSON.writeValueAsString(line);
    }

    /** Reads a line written by {@link #encode}. */
    static UsageEvent decode(String line) {
        JsonNode node = JSON.readTree(line);
        Class<? extends UsageEvent> type = KINDS.get(node.path("kind").asString());
        if (type == null || !node.has("event")) {
            throw new IllegalArgumentException("not a usage event line");
        }
        return JSON.treeToValue(node.get("event"), type);
    }
}
