package com.intellidial.gateway.catalog;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.springframework.http.HttpMethod;

/**
 * Reads one catalog YAML document into its parts, strictly: unknown or duplicate keys and
 * wrongly typed values are errors, so a typo can never silently drop a rule. Every problem is
 * collected, not just the first.
 */
final class CatalogYaml {

    private static final Set<String> TOP_KEYS = Set.of("resource-types", "shapes", "entries");

    private static final Set<String> SHAPE_KEYS = Set.of("refs", "webhook-urls", "forbidden-fields", "embeds",
            "allowed-values", "names", "name-refs");

    private static final Set<String> ENTRY_KEYS = Set.of("id", "method", "path", "access", "reason", "resource",
            "path-params", "creates", "creates-batch", "deletes", "lists", "list-shape", "refs", "webhook-urls",
            "forbidden-fields", "embeds", "allowed-values", "names", "name-refs", "body-shape", "query-refs", "defaults",
            "buffer-body", "content-type", "places-calls");

    private static final Set<String> DEFAULT_KEYS = Set.of("alias", "unless-present");

    private static final Set<String> PLACES_CALLS_KEYS = Set.of("callees", "caller-ids", "at-least-one");

    /** The parsed document: declared resource types, named shapes and entries, plus every problem found. */
    record Document(List<String> resourceTypes, Map<String, BodyShape> shapes, List<CatalogEntry> entries,
            List<String> errors) {
    }

    private final List<String> errors = new ArrayList<>();

    private CatalogYaml() {
    }

    static Document read(InputStream yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object root = new Yaml(new SafeConstructor(options)).load(yaml);
        return new CatalogYaml().document(root);
    }

    private Document document(@Nullable Object root) {
        Map<String, Object> top = map(root, "document");
        checkKeys(top, TOP_KEYS, "document");
        List<String> types = strings(top.get("resource-types"), "resource-types");
        Map<String, BodyShape> shapes = new LinkedHashMap<>();
        map(top.get("shapes"), "shapes").forEach((name, value) -> {
            Map<String, Object> shape = map(value, "shape " + name);
            checkKeys(shape, SHAPE_KEYS, "shape " + name);
            try {
                shapes.put(name, bodyShape(shape, "shape " + name));
            }
            catch (IllegalArgumentException ex) {
                this.errors.add("shape " + name + ": " + ex.getMessage());
            }
        });
        List<CatalogEntry> entries = new ArrayList<>();
        Object entryList = top.get("entries");
        if (!(entryList instanceof List<?> list)) {
            this.errors.add("entries: expected a list");
        }
        else {
            for (int i = 0; i < list.size(); i++) {
                CatalogEntry entry = entry(list.get(i), i);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        return new Document(types, shapes, entries, List.copyOf(this.errors));
    }

    private @Nullable CatalogEntry entry(@Nullable Object value, int index) {
        Map<String, Object> entry = map(value, "entries[" + index + "]");
        Object rawId = entry.get("id");
        String where = "entry " + ((rawId != null) ? rawId : "#" + index);
        checkKeys(entry, ENTRY_KEYS, where);
        int errorsBefore = this.errors.size();
        try {
            String method = required(entry, "method", where);
            BodyShape body = bodyShape(entry, where);
            CatalogEntry parsed = new CatalogEntry(required(entry, "id", where),
                    HttpMethod.valueOf(method), required(entry, "path", where),
                    enumValue(CatalogEntry.Access.class, required(entry, "access", where)), string(entry, "reason", where),
                    string(entry, "resource", where), stringMap(entry.get("path-params"), where + " path-params"),
                    string(entry, "creates", where), bool(entry, "creates-batch", where),
                    string(entry, "deletes", where), string(entry, "lists", where),
                    optionalEnum(CatalogEntry.ListShape.class, string(entry, "list-shape", where)), body,
                    string(entry, "body-shape", where), stringMap(entry.get("query-refs"), where + " query-refs"),
                    defaults(entry.get("defaults"), where), bool(entry, "buffer-body", where),
                    (entry.get("content-type") != null)
                            ? enumValue(CatalogEntry.ContentType.class, string(entry, "content-type", where))
                            : CatalogEntry.ContentType.JSON,
                    placesCalls(entry.get("places-calls"), where + " places-calls"));
            return (this.errors.size() == errorsBefore) ? parsed : null;
        }
        catch (IllegalArgumentException ex) {
            this.errors.add(where + ": " + ex.getMessage());
            return null;
        }
    }

    private BodyShape bodyShape(Map<String, Object> holder, String where) {
        return new BodyShape(fieldMap(holder.get("refs"), where + " refs"),
                fields(holder.get("webhook-urls"), where + " webhook-urls"),
                fields(holder.get("forbidden-fields"), where + " forbidden-fields"),
                fieldMap(holder.get("embeds"), where + " embeds"),
                allowedValues(holder.get("allowed-values"), where + " allowed-values"),
                fields(holder.get("names"), where + " names"), fields(holder.get("name-refs"), where + " name-refs"));
    }

    private Map<FieldPath, List<String>> allowedValues(@Nullable Object value, String where) {
        Map<FieldPath, List<String>> values = new LinkedHashMap<>();
        map(value, where).forEach((field, allowed) -> values.put(FieldPath.parse(field),
                strings(allowed, where + "." + field)));
        return values;
    }

    private List<CatalogEntry.FieldDefault> defaults(@Nullable Object value, String where) {
        List<CatalogEntry.FieldDefault> defaults = new ArrayList<>();
        map(value, where + " defaults").forEach((field, spec) -> {
            if (spec instanceof String alias) {
                defaults.add(new CatalogEntry.FieldDefault(FieldPath.parse(field), alias, List.of()));
                return;
            }
            Map<String, Object> longForm = map(spec, where + " defaults." + field);
            checkKeys(longForm, DEFAULT_KEYS, where + " defaults." + field);
            defaults.add(new CatalogEntry.FieldDefault(FieldPath.parse(field),
                    required(longForm, "alias", where + " defaults." + field),
                    fields(longForm.get("unless-present"), where + " defaults." + field + ".unless-present")));
        });
        return defaults;
    }

    private @Nullable PlacesCalls placesCalls(@Nullable Object value, String where) {
        if (value == null) {
            return null;
        }
        Map<String, Object> spec = map(value, where);
        checkKeys(spec, PLACES_CALLS_KEYS, where);
        return new PlacesCalls(fields(spec.get("callees"), where + ".callees"),
                fields(spec.get("caller-ids"), where + ".caller-ids"), bool(spec, "at-least-one", where));
    }

    private Map<FieldPath, String> fieldMap(@Nullable Object value, String where) {
        Map<FieldPath, String> fields = new LinkedHashMap<>();
        stringMap(value, where).forEach((path, type) -> fields.put(FieldPath.parse(path), type));
        return fields;
    }

    private List<FieldPath> fields(@Nullable Object value, String where) {
        return strings(value, where).stream().map(FieldPath::parse).toList();
    }

    private Map<String, String> stringMap(@Nullable Object value, String where) {
        Map<String, String> strings = new LinkedHashMap<>();
        map(value, where).forEach((key, item) -> {
            if (item instanceof String text) {
                strings.put(key, text);
            }
            else {
                this.errors.add(where + "." + key + ": expected a string");
            }
        });
        return strings;
    }

    private List<String> strings(@Nullable Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            this.errors.add(where + ": expected a list of strings");
            return List.of();
        }
        return list.stream().map(String.class::cast).toList();
    }

    private Map<String, Object> map(@Nullable Object value, String where) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> raw)) {
            this.errors.add(where + ": expected a mapping");
            return Map.of();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        raw.forEach((key, item) -> {
            if (key instanceof String name) {
                map.put(name, item);
            }
            else {
                this.errors.add(where + ": key " + key + " is not a string");
            }
        });
        return map;
    }

    private void checkKeys(Map<String, Object> map, Set<String> allowed, String where) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                this.errors.add(where + ": unknown key '" + key + "'");
            }
        }
    }

    private String required(Map<String, Object> map, String key, String where) {
        String value = string(map, key, where);
        if (value == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    private @Nullable String string(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        this.errors.add(where + ": '" + key + "' must be a string");
        return null;
    }

    private boolean bool(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        this.errors.add(where + ": '" + key + "' must be true or false");
        return false;
    }

    private static <E extends Enum<E>> @Nullable E optionalEnum(Class<E> type, @Nullable String value) {
        return (value != null) ? enumValue(type, value) : null;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map((c) -> c.name().toLowerCase(Locale.ROOT)).toList());
    }
}
