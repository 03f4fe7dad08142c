package com.intellidial.gateway.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The rewriting rules for one JSON object of a request body: which fields reference tenant
 * resources, which hold webhook URLs, which a tenant may not set, which may take only some values,
 * which name a member of an enclosing object (a squad's assistant, by name), and which sub-objects have a
 * named shape of their own (so recursive schemas, such as a handoff tool embedding a squad that
 * embeds assistants, are walked to any depth). All paths are relative to the object the shape is
 * applied to.
 *
 * @param refs field path to the resource type its ID (or each ID, for {@code []}) must belong to
 * @param webhookUrls fields holding a URL the upstream will call back
 * @param forbiddenFields fields a tenant may not set at all
 * @param embeds field path to the name of the shape applied to the object (or each object) there
 * @param allowedValues fields that, when set, must hold one of the listed strings
 * @param names fields holding the names of the members of this object (a squad's assistants); an object
 * with names is the scope every {@code nameRefs} below it is resolved in
 * @param nameRefs fields that name a member (an assistant by name) instead of referencing an id: the
 * value must be one of the {@code names} of the nearest enclosing object that declares names
 */
public record BodyShape(Map<FieldPath, String> refs, List<FieldPath> webhookUrls, List<FieldPath> forbiddenFields,
        Map<FieldPath, String> embeds, Map<FieldPath, List<String>> allowedValues, List<FieldPath> names,
        List<FieldPath> nameRefs) {

    /** A shape with only the original four kinds of rule. */
    public BodyShape(Map<FieldPath, String> refs, List<FieldPath> webhookUrls, List<FieldPath> forbiddenFields,
            Map<FieldPath, String> embeds) {
        this(refs, webhookUrls, forbiddenFields, embeds, Map.of(), List.of(), List.of());
    }

    public BodyShape {
        refs = Collections.unmodifiableMap(new LinkedHashMap<>(refs));
        embeds = Collections.unmodifiableMap(new LinkedHashMap<>(embeds));
        Map<FieldPath, List<String>> values = new LinkedHashMap<>();
        allowedValues.forEach((field, allowed) -> values.put(field, List.copyOf(allowed)));
        allowedValues = Collections.unmodifiableMap(values);
        webhookUrls = List.copyOf(webhookUrls);
        forbiddenFields = List.copyOf(forbiddenFields);
        names = List.copyOf(names);
        nameRefs = List.copyOf(nameRefs);
        requireDistinct(webhookUrls, "webhook-urls");
        requireDistinct(forbiddenFields, "forbidden-fields");
        requireDistinct(names, "names");
        requireDistinct(nameRefs, "name-refs");
        for (FieldPath field : forbiddenFields) {
            if (refs.containsKey(field) || webhookUrls.contains(field) || allowedValues.containsKey(field)
                    || nameRefs.contains(field)) {
                throw new IllegalArgumentException("'" + field + "' is both forbidden and rewritten or checked");
            }
        }
        allowedValues.forEach((field, allowed) -> {
            if (allowed.isEmpty()) {
                throw new IllegalArgumentException("allowed-values." + field + " lists no value; forbid the field instead");
            }
        });
        refs.forEach((field, type) -> CatalogEntry.requireTypeName(type, "refs." + field));
        embeds.forEach((field, shape) -> CatalogEntry.requireTypeName(shape, "embeds." + field));
    }

    /** Whether the shape has no rule at all. */
    public boolean isEmpty() {
        return this.refs.isEmpty() && this.webhookUrls.isEmpty() && this.forbiddenFields.isEmpty()
                && this.embeds.isEmpty() && this.allowedValues.isEmpty() && this.names.isEmpty()
                && this.nameRefs.isEmpty();
    }

    private static void requireDistinct(List<FieldPath> fields, String what) {
        if (new LinkedHashSet<>(fields).size() != fields.size()) {
            throw new IllegalArgumentException(what + " lists a field twice: " + fields);
        }
    }
}
