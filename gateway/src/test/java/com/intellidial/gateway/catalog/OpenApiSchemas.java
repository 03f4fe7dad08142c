package com.intellidial.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

/** Test helper over the OpenAPI copy: resolves schemas and walks {@link FieldPath}s through them. */
final class OpenApiSchemas {

    private final JsonNode root;

    private OpenApiSchemas(JsonNode root) {
        this.root = root;
    }

    static OpenApiSchemas load(String location) throws IOException {
        try (InputStream json = new ClassPathResource(location).getInputStream()) {
            return new OpenApiSchemas(JsonMapper.builder().build().readTree(json));
        }
    }

    JsonNode paths() {
        return this.root.path("paths");
    }

    /** The operation object for a method and path template, or a missing node. */
    JsonNode operation(String method, String path) {
        return paths().path(path).path(method.toLowerCase(Locale.ROOT));
    }

    /**
     * Every concrete alternative of a schema: follows {@code $ref} and expands {@code oneOf},
     * {@code anyOf} and {@code allOf}, so a property is found if any alternative declares it.
     */
    List<JsonNode> alternatives(JsonNode schema) {
        List<JsonNode> result = new ArrayList<>();
        collect(schema, result, Collections.newSetFromMap(new IdentityHashMap<>()));
        return result;
    }

    private void collect(JsonNode schema, List<JsonNode> result, Set<JsonNode> seen) {
        JsonNode resolved = resolve(schema);
        if (!seen.add(resolved)) {
            return;
        }
        result.add(resolved);
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            for (JsonNode alternative : resolved.path(combinator).values()) {
                collect(alternative, result, seen);
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asString();
            current = this.root.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return current;
    }

    /**
     * The schemas reached by following {@code path} from {@code schema}; empty when a segment is
     * not a declared property, or has {@code []} where no alternative is an array.
     */
    List<JsonNode> walk(JsonNode schema, FieldPath path) {
        List<JsonNode> current = List.of(schema);
        for (FieldPath.Segment segment : path.segments()) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                for (JsonNode alternative : alternatives(node)) {
                    JsonNode property = alternative.path("properties").path(segment.name());
                    if (property.isMissingNode()) {
                        continue;
                    }
                    if (!segment.array()) {
                        next.add(property);
                        continue;
                    }
                    for (JsonNode propertyAlternative : alternatives(property)) {
                        if (propertyAlternative.has("items")) {
                            next.add(propertyAlternative.get("items"));
                        }
                    }
                }
            }
            if (next.isEmpty()) {
                return List.of();
            }
            current = next;
        }
        return current;
    }
}
