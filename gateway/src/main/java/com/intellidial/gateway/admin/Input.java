package com.intellidial.gateway.admin;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * A JSON request body of the admin API, read strictly: unknown fields, wrong types and values out
 * of range are a 400 problem whose {@code field} member names the field (dotted for nested ones).
 */
final class Input {

    private final ObjectNode node;

    private final String prefix;

    private Input(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** The body; an absent body reads as {@code {}}. */
    static Input of(@Nullable JsonNode body, String... allowed) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return new Input(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "").allowOnly(allowed);
        }
        if (!(body instanceof ObjectNode object)) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The body must be a JSON object");
        }
        return new Input(object, "").allowOnly(allowed);
    }

    private Input allowOnly(String... allowed) {
        Set<String> names = Set.of(allowed);
        for (Iterator<String> it = this.node.propertyNames().iterator(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw invalid(name, "is not a known field (expected one of " + String.join(", ", allowed) + ")");
            }
        }
        return this;
    }

    boolean has(String field) {
        JsonNode value = this.node.get(field);
        return value != null && !value.isNull();
    }

    /** Whether the field is present with an explicit {@code null}. */
    boolean isNull(String field) {
        JsonNode value = this.node.get(field);
        return value != null && value.isNull();
    }

    /** A nested object, or {@code null} when absent. */
    @Nullable Input object(String field, String... allowed) {
        JsonNode value = this.node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!(value instanceof ObjectNode object)) {
            throw invalid(field, "must be an object");
        }
        return new Input(object, this.prefix + field + ".").allowOnly(allowed);
    }

    /** The raw nested value, for pass-through settings (template overrides). */
    @Nullable JsonNode raw(String field) {
        JsonNode value = this.node.get(field);
        return (value == null || value.isNull()) ? null : value;
    }

    @Nullable String text(String field, Pattern pattern, String rule) {
        JsonNode value = this.node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(field, "must be a string");
        }
        String text = value.stringValue();
        if (!pattern.matcher(text).matches()) {
            throw invalid(field, rule);
        }
        return text;
    }

    String requiredText(String field, Pattern pattern, String rule) {
        String text = text(field, pattern, rule);
        if (text == null) {
            throw invalid(field, "is required");
        }
        return text;
    }

    /** A boolean field; absent is {@code false}. */
    boolean bool(String field) {
        JsonNode value = this.node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false");
        }
        return value.booleanValue();
    }

    @Nullable Integer integer(String field, int min, int max) {
        JsonNode value = this.node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw invalid(field, "must be a whole number from " + min + " to " + max);
        }
        return value.intValue();
    }

    @Nullable BigDecimal decimal(String field, BigDecimal min, BigDecimal max) {
        JsonNode value = this.node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.decimalValue().compareTo(min) < 0 || value.decimalValue().compareTo(max) > 0) {
            throw invalid(field, "must be a number from " + min.toPlainString() + " to " + max.toPlainString());
        }
        return value.decimalValue();
    }

    @Nullable Instant instant(String field) {
        String text = text(field, Pattern.compile(".{1,64}"), "must be an ISO-8601 instant");
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        }
        catch (DateTimeParseException ex) {
            throw invalid(field, "must be an ISO-8601 instant such as 2026-12-31T00:00:00Z");
        }
    }

    /** A duration in whole seconds, {@code 0} to {@code max}. */
    @Nullable Duration seconds(String field, Duration max) {
        Integer seconds = integer(field, 0, (int) Math.min(Integer.MAX_VALUE, max.toSeconds()));
        return (seconds != null) ? Duration.ofSeconds(seconds) : null;
    }

    /** An absolute {@code https} (or, for local targets, {@code http}) URL. */
    @Nullable String url(String field) {
        String text = text(field, Pattern.compile("\\S{1,2048}"), "must be an absolute http(s) URL of at most 2048 characters");
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw invalid(field, "must be an absolute http(s) URL");
            }
        }
        catch (java.net.URISyntaxException ex) {
            throw invalid(field, "must be an absolute http(s) URL");
        }
        return text;
    }

    GatewayException invalid(String field, String rule) {
        String name = this.prefix + field;
        return new GatewayException(ProblemType.MALFORMED_REQUEST, "Field '" + name + "' " + rule).withExtension("field", name);
    }
}
