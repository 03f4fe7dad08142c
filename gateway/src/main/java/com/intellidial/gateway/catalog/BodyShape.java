package com.intellidial.gateway.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The rewriting rules for one JSON object of a request body: which fields reference tenant
 * resources, which hold webhook URLs, which a tenant may not set, and which sub-objects have a
 * named shape of their own (so recursive schemas, such as a handoff tool embedding a squad that
 * embeds assistants, are walked to any depth). All paths are relative to the object the shape is
 * applied to.
 *
 * @param refs field path to the resource type its ID (or each ID, for {@code []}) must belong to
 * @param webhookUrls fields holding a URL the upstream will call back
 * @param forbiddenFields fields a tenant may not set at all
 * @param embeds field path to the name of the shape applied to the object (or each object) there
 */
public record BodyShape(Map<FieldPath, String> refs, List<FieldPath> webhookUrls, List<FieldPath> forbiddenFields,
        Map<FieldPath, String> embeds) {

    public BodyShape {
        refs = Collections.unmodifiableMap(new LinkedHashMap<>(refs));
        embeds = Collections.unmodifiableMap(new LinkedHashMap<>(embeds));
        webhookUrls = List.copyOf(webhookUrls);
        forbiddenFields = List.copyOf(forbiddenFields);
        requireDistinct(webhookUrls, "webhook-urls");
        requireDistinct(forbiddenFields, "forbidden-fields");
        for (FieldPath field : forbiddenFields) {
            if (refs.containsKey(field) || webhookUrls.contains(field)) {
                throw new IllegalArgumentException("'" + field + "' is both forbidden and rewritten");
            }
        }
        refs.forEach((field, type) -> CatalogEntry.requireTypeName(type, "refs." + field));
        embeds.forEach((field, shape) -> CatalogEntry.requireTypeName(shape, "embeds." + field));
    }

    /** Whether the shape has no rule at all. */
    public boolean isEmpty() {
        return this.refs.isEmpty() && this.webhookUrls.isEmpty() && this.forbiddenFields.isEmpty()
                && this.embeds.isEmpty();
    }

    private static void requireDistinct(List<FieldPath> fields, String what) {
        if (new LinkedHashSet<>(fields).size() != fields.size()) {
            throw new IllegalArgumentException(what + " lists a field twice: " + fields);
        }
    }
}
