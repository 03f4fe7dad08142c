package com.intellidial.gateway.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * One proxied upstream endpoint (method + path template) and everything isolation needs to know
 * about it; see {@code docs/catalog.md} for the YAML form.
 *
 * @param id stable dotted name, {@code <upstream>.<family>.<action>}
 * @param method the HTTP method
 * @param path the OpenAPI path template, e.g. {@code /call/{id}}
 * @param access whether tenants may call it at all
 * @param reason why a denied endpoint is denied; {@code null} for allowed ones
 * @param resource the resource family the endpoint belongs to ({@code null} only when denied)
 * @param pathParams each path variable to the resource type whose ID it carries
 * @param creates the type of the resource a successful call creates (POST only)
 * @param createsBatch whether the response may instead be {@code {results: [...]}} of created resources
 * @param deletes the type of the path resource a successful call deletes (DELETE only)
 * @param lists the type of the resources a list response holds (GET only)
 * @param listShape how the list response is laid out; set exactly when {@code lists} is
 * @param body the rewriting rules for the request body's root object
 * @param bodyShape the name of a catalog shape applied to the whole body, in addition to {@code body}
 * @param queryRefs query parameter name to the resource type its value(s) must belong to
 * @param defaults body fields the gateway fills with a tenant alias when the tenant leaves them out
 * @param bufferBody whether the body must be buffered; true exactly when there is something to rewrite
 * @param contentType the request body's media type
 * @param placesCalls where the calls this endpoint places are named, or {@code null} when it places none
 */
public record CatalogEntry(String id, HttpMethod method, String path, Access access, @Nullable String reason,
        @Nullable String resource, Map<String, String> pathParams, @Nullable String creates, boolean createsBatch,
        @Nullable String deletes, @Nullable String lists, @Nullable ListShape listShape, BodyShape body,
        @Nullable String bodyShape, Map<String, String> queryRefs, List<FieldDefault> defaults, boolean bufferBody,
        ContentType contentType, @Nullable PlacesCalls placesCalls) {

    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE);

    public CatalogEntry {
        if (!isId(id)) {
            throw new IllegalArgumentException("id '" + id + "' must be dotted lower-case words, e.g. vapi.call.create");
        }
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method " + method + " is not one of " + METHODS);
        }
        PathTemplate template = PathTemplate.parse(path);
        pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(pathParams));
        queryRefs = Collections.unmodifiableMap(new LinkedHashMap<>(queryRefs));
        defaults = List.copyOf(defaults);
        if (access == Access.DENY) {
            requireDenyIsBare(reason, resource, pathParams, creates, createsBatch, deletes, lists, listShape, body,
                    bodyShape, queryRefs, defaults, bufferBody || placesCalls != null);
        }
        else {
            requireAllowIsComplete(template, method, reason, resource, pathParams, creates, createsBatch, deletes,
                    lists, listShape);
        }
        queryRefs.forEach((name, type) -> requireTypeName(type, "query-refs." + name));
        Set<FieldPath> defaulted = new LinkedHashSet<>();
        for (FieldDefault fieldDefault : defaults) {
            if (!body.refs().containsKey(fieldDefault.field())) {
                throw new IllegalArgumentException("default for '" + fieldDefault.field()
                        + "' needs a refs entry for the same field, so the alias is resolved and owned");
            }
            if (!defaulted.add(fieldDefault.field())) {
                throw new IllegalArgumentException("two defaults for '" + fieldDefault.field() + "'");
            }
        }
        if (placesCalls != null && !(HttpMethod.POST.equals(method) || HttpMethod.PATCH.equals(method))) {
            throw new IllegalArgumentException("places-calls is only valid on POST or PATCH, not " + method);
        }
        boolean rewrites = !body.isEmpty() || bodyShape != null || !defaults.isEmpty();
        if (bufferBody != rewrites) {
            throw new IllegalArgumentException(rewrites
                    ? "buffer-body must be true: the entry rewrites the body (refs, webhook-urls, forbidden-fields, embeds, body-shape or defaults)"
                    : "buffer-body must be false: the entry has nothing to rewrite in the body");
        }
    }

    /** Whether tenants may call this endpoint. */
    public boolean allowed() {
        return this.access == Access.ALLOW;
    }

    /**
     * Builds the path to forward from this entry's template and already validated variables, so
     * the upstream sees a canonical path and never the tenant's raw spelling of it.
     * @param variables a value for every template variable, each a valid resource ID
     * @return the concrete path, e.g. {@code /assistant/abc-123}
     * @throws IllegalArgumentException if a variable is missing or not a valid resource ID
     */
    public String expandPath(Map<String, String> variables) {
        PathTemplate template = PathTemplate.parse(this.path);
        StringBuilder expanded = new StringBuilder();
        for (int i = 0; i < template.size(); i++) {
            String name = template.variableAt(i);
            String segment = (name != null) ? variables.get(name) : template.segments().get(i);
            if (segment == null || (name != null && !CatalogMatcher.isValidId(segment))) {
                throw new IllegalArgumentException("no valid value for path variable '" + name + "' of " + this.id);
            }
            expanded.append('/').append(segment).append(template.suffixAt(i));
        }
        return expanded.toString();
    }

    static void requireTypeName(@Nullable String type, String field) {
        if (type != null && !isWord(type)) {
            throw new IllegalArgumentException(field + ": type '" + type + "' must be lower-case kebab-case");
        }
    }

    private static void requireDenyIsBare(@Nullable String reason, @Nullable String resource,
            Map<String, String> pathParams, @Nullable String creates, boolean createsBatch, @Nullable String deletes,
            @Nullable String lists, @Nullable ListShape listShape, BodyShape body, @Nullable String bodyShape,
            Map<String, String> queryRefs, List<FieldDefault> defaults, boolean bufferBody) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a denied entry needs a reason");
        }
        boolean extra = resource != null || !pathParams.isEmpty() || creates != null || createsBatch
                || deletes != null || lists != null || listShape != null || !body.isEmpty() || bodyShape != null
                || !queryRefs.isEmpty() || !defaults.isEmpty() || bufferBody;
        if (extra) {
            throw new IllegalArgumentException(
                    "a denied entry is never forwarded, so it has only id, method, path, access and reason");
        }
    }

    private static void requireAllowIsComplete(PathTemplate template, HttpMethod method, @Nullable String reason,
            @Nullable String resource, Map<String, String> pathParams, @Nullable String creates, boolean createsBatch,
            @Nullable String deletes, @Nullable String lists, @Nullable ListShape listShape) {
        if (reason != null) {
            throw new IllegalArgumentException("reason is only for denied entries");
        }
        if (resource == null) {
            throw new IllegalArgumentException("an allowed entry needs a resource");
        }
        requireTypeName(resource, "resource");
        List<String> variables = template.variableNames();
        if (!pathParams.keySet().equals(new LinkedHashSet<>(variables))) {
            throw new IllegalArgumentException(
                    "path-params " + pathParams.keySet() + " must map exactly the path variables " + variables);
        }
        pathParams.forEach((name, type) -> requireTypeName(type, "path-params." + name));
        requireOnly(creates != null || createsBatch, method, HttpMethod.POST, "creates");
        if (createsBatch && creates == null) {
            throw new IllegalArgumentException("creates-batch needs creates");
        }
        requireTypeName(creates, "creates");
        requireOnly(deletes != null, method, HttpMethod.DELETE, "deletes");
        requireTypeName(deletes, "deletes");
        requireOnly(lists != null, method, HttpMethod.GET, "lists");
        requireTypeName(lists, "lists");
        if ((lists == null) != (listShape == null)) {
            throw new IllegalArgumentException("lists and list-shape go together");
        }
    }

    private static void requireOnly(boolean present, HttpMethod method, HttpMethod expected, String field) {
        if (present && !method.equals(expected)) {
            throw new IllegalArgumentException(field + " is only valid on " + expected + ", not " + method);
        }
    }

    private static boolean isId(String id) {
        String[] parts = id.split("\\.", -1);
        if (parts.length < 2) {
            return false;
        }
        for (String part : parts) {
            if (!isWord(part)) {
                return false;
            }
        }
        return true;
    }

    static boolean isWord(String word) {
        if (word.isEmpty() || word.charAt(0) < 'a' || word.charAt(0) > 'z' || word.endsWith("-")) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Whether tenants may call an endpoint; denied endpoints answer 404 and are never forwarded. */
    public enum Access {

        ALLOW, DENY

    }

    /** How a list response is laid out. */
    public enum ListShape {

        /** A bare JSON array of resources. */
        ARRAY,

        /** {@code {"results": [...], "metadata": {...}}}. */
        PAGINATED

    }

    /** The media type of a request body. */
    public enum ContentType {

        JSON, MULTIPART

    }

    /**
     * A body field the gateway fills in when the tenant leaves it out.
     *
     * @param field the field to fill
     * @param alias the tenant alias to resolve for the field's ref type, e.g. {@code default}
     * @param unlessPresent fields whose presence means the tenant chose otherwise, so no default applies
     */
    public record FieldDefault(FieldPath field, String alias, List<FieldPath> unlessPresent) {

        public FieldDefault {
            requireTypeName(alias, "defaults." + field);
            unlessPresent = List.copyOf(unlessPresent);
        }
    }
}
