package com.intellidial.simulator.http;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The simulator's one JSON mapper and the few tree helpers the vendor APIs share. */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new empty array node. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Serializes a tree to UTF-8 JSON. */
    public static byte[] write(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** Parses a body that must be a JSON object; empty if it is malformed or not an object. */
    public static Optional<ObjectNode> readObject(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return (node instanceof ObjectNode object) ? Optional.of(object) : Optional.empty();
        }
        catch (JacksonException ex) {
            return Optional.empty();
        }
    }

    /** The text of a top-level string field, or {@code null} if it is absent or not a string. */
    public static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return (value != null && value.isString()) ? value.stringValue() : null;
    }
}
