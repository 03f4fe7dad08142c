package com.intellidial.gateway.isolation;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads tenant request bodies strictly: a duplicate key anywhere, nesting deeper than
 * {@value #MAX_DEPTH}, an oversized string or number, trailing content or anything but a JSON
 * object is a 400, so the gateway and the upstream can never read different values from the same
 * bytes. Keys written with unicode escapes ({@code "\u006frgId"}) are decoded before the gateway
 * looks at them, and the body is forwarded re-serialized, never as the tenant's bytes.
 */
final class StrictJson {

    /** Deepest nesting of objects and arrays accepted; VAPI's deepest schema path is far shallower. */
    static final int MAX_DEPTH = 64;

    /** Longest string value accepted (prompts and knowledge snippets are long, but not this long). */
    static final int MAX_STRING_LENGTH = 512 * 1024;

    private static final JsonMapper REQUESTS = JsonMapper.builder(JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNumberLength(100)
            .maxNameLength(1024)
            .build())
        .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    /** Upstream responses: trusted enough to read leniently, but still bounded. */
    private static final JsonMapper RESPONSES = JsonMapper.builder().build();

    private StrictJson() {
    }

    /**
     * Parses a tenant request body.
     * @throws GatewayException 400 when the body is not one well-formed JSON object within the limits
     */
    static ObjectNode readRequest(byte[] body) {
        JsonNode node;
        try {
            node = REQUESTS.readTree(body);
        }
        catch (JacksonException ex) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The request body is not acceptable JSON: "
                    + reason(ex));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The request body must be a JSON object");
        }
        return object;
    }

    /** Parses an upstream response body; {@code null} when it is not JSON. */
    static @org.jspecify.annotations.Nullable JsonNode readResponse(byte[] body) {
        try {
            return RESPONSES.readTree(body);
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    static byte[] write(JsonNode node) {
        return REQUESTS.writeValueAsBytes(node);
    }

    /** The parser's complaint without the echo of the input Jackson appends. */
    private static String reason(JacksonException ex) {
        String message = ex.getOriginalMessage();
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return (newline > 0) ? message.substring(0, newline) : message;
    }
}
