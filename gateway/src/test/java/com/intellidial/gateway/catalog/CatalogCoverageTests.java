package com.intellidial.gateway.catalog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the VAPI catalog to the official OpenAPI copy: every operation classified, nothing invented,
 * and every field path real.
 */
class CatalogCoverageTests {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private static OpenApiSchemas openApi;

    private static EndpointCatalog catalog;

    @BeforeAll
    static void load() throws IOException {
        openApi = OpenApiSchemas.load("openapi/vapi-openapi.json");
        catalog = EndpointCatalog.forUpstream("vapi");
    }

    @Test
    void everyOpenApiOperationHasAnEntry() {
        Set<String> catalogued = new HashSet<>();
        catalog.entries().forEach((entry) -> catalogued.add(entry.method() + " " + entry.path()));
        List<String> missing = new ArrayList<>();
        openApi.paths().properties().forEach((path) -> path.getValue().propertyNames().stream()
            .filter(METHODS::contains)
            .map((method) -> method.toUpperCase(Locale.ROOT) + " " + path.getKey())
            .filter((operation) -> !catalogued.contains(operation))
            .forEach(missing::add));
        assertThat(missing).as("OpenAPI operations missing from catalog/vapi.yaml").isEmpty();
    }

    @Test
    void everyEntryIsAnOpenApiOperation() {
        List<String> unknown = catalog.entries().stream()
            .filter((entry) -> operation(entry).isMissingNode())
            .map((entry) -> entry.id() + " (" + entry.method() + " " + entry.path() + ")")
            .toList();
        assertThat(unknown).as("catalog entries that are not in the OpenAPI").isEmpty();
    }

    @Test
    void everyEntryIsReachableThroughTheMatcher() {
        List<String> shadowed = new ArrayList<>();
        for (CatalogEntry entry : catalog.entries()) {
            Map<String, String> variables = new HashMap<>();
            PathTemplate.parse(entry.path()).variableNames().forEach((name) -> variables.put(name, "id_" + name));
            String path = entry.expandPath(variables);
            CatalogMatch match = catalog.matcher().match(entry.method(), path).orElse(null);
            if (match == null || match.entry() != entry || !match.pathVariables().equals(variables)) {
                shadowed.add(entry.id() + " via " + path + " -> " + ((match != null) ? match.entry().id() : "no match"));
            }
        }
        assertThat(shadowed).as("entries the matcher does not resolve to themselves").isEmpty();
    }

    @Test
    void contentTypeMatchesTheRequestBody() {
        List<String> wrong = new ArrayList<>();
        for (CatalogEntry entry : catalog.entries()) {
            JsonNode content = operation(entry).path("requestBody").path("content");
            boolean multipart = content.has("multipart/form-data");
            if (multipart != (entry.contentType() == CatalogEntry.ContentType.MULTIPART)) {
                wrong.add(entry.id());
            }
        }
        assertThat(wrong).as("entries whose content-type disagrees with the OpenAPI request body").isEmpty();
    }

    @Test
    void listShapeMatchesTheResponseSchema() {
        List<String> wrong = new ArrayList<>();
        for (CatalogEntry entry : catalog.entries()) {
            if (entry.listShape() == null) {
                continue;
            }
            JsonNode schema = operation(entry).path("responses").path("200").path("content")
                .path("application/json").path("schema");
            boolean array = openApi.alternatives(schema).stream().anyMatch((s) -> "array".equals(s.path("type").asString("")));
            boolean paginated = !openApi.walk(schema, FieldPath.parse("results[]")).isEmpty()
                    && !openApi.walk(schema, FieldPath.parse("metadata")).isEmpty();
            boolean matches = switch (entry.listShape()) {
                case ARRAY -> array && !paginated;
                case PAGINATED -> paginated && !array;
            };
            if (!matches) {
                wrong.add(entry.id() + " says " + entry.listShape());
            }
        }
        assertThat(wrong).as("entries whose list-shape disagrees with the 200 response schema").isEmpty();
    }

    @Test
    void everyBodyFieldPathExistsInTheRequestSchema() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> shapePathsSeen = new HashMap<>();
        Set<String> visited = new HashSet<>();
        for (CatalogEntry entry : catalog.entries()) {
            List<JsonNode> roots = new ArrayList<>();
            operation(entry).path("requestBody").path("content").values()
                .forEach((content) -> roots.add(content.path("schema")));
            boolean hasBodyRules = !entry.body().isEmpty() || entry.bodyShape() != null || !entry.defaults().isEmpty();
            if (roots.isEmpty()) {
                if (hasBodyRules) {
                    problems.add(entry.id() + ": has body rules but the operation takes no request body");
                }
                continue;
            }
            for (FieldPath path : declaredPaths(entry.body())) {
                if (roots.stream().allMatch((root) -> openApi.walk(root, path).isEmpty())) {
                    problems.add(entry.id() + ": '" + path + "' is not in the request schema");
                }
            }
            for (CatalogEntry.FieldDefault fieldDefault : entry.defaults()) {
                for (FieldPath path : fieldDefault.unlessPresent()) {
                    if (roots.stream().allMatch((root) -> openApi.walk(root, path).isEmpty())) {
                        problems.add(entry.id() + ": defaults unless-present '" + path + "' is not in the request schema");
                    }
                }
            }
            for (JsonNode root : roots) {
                entry.body().embeds().forEach((path, shape) -> openApi.walk(root, path)
                    .forEach((site) -> visitShape(shape, site, shapePathsSeen, visited)));
                if (entry.bodyShape() != null) {
                    visitShape(entry.bodyShape(), root, shapePathsSeen, visited);
                }
            }
        }
        for (String name : new TreeSet<>(shapePathsSeen.keySet())) {
            for (FieldPath path : declaredPaths(catalog.shape(name).orElseThrow())) {
                if (!shapePathsSeen.get(name).contains(path.toString())) {
                    problems.add("shape " + name + ": '" + path + "' exists in none of the schemas it is embedded in");
                }
            }
        }
        assertThat(problems).as("field paths that do not exist in the OpenAPI request schemas").isEmpty();
    }

    /** Records which of a shape's paths exist at this embedding site, then follows its own embeds. */
    private static void visitShape(String name, JsonNode site, Map<String, Set<String>> seen, Set<String> visited) {
        if (!visited.add(name + "@" + System.identityHashCode(site))) {
            return;
        }
        BodyShape shape = catalog.shape(name).orElseThrow();
        Set<String> found = seen.computeIfAbsent(name, (key) -> new HashSet<>());
        for (FieldPath path : declaredPaths(shape)) {
            if (!openApi.walk(site, path).isEmpty()) {
                found.add(path.toString());
            }
        }
        shape.embeds().forEach((path, embedded) -> openApi.walk(site, path)
            .forEach((inner) -> visitShape(embedded, inner, seen, visited)));
    }

    private static List<FieldPath> declaredPaths(BodyShape shape) {
        List<FieldPath> paths = new ArrayList<>(shape.refs().keySet());
        paths.addAll(shape.webhookUrls());
        paths.addAll(shape.forbiddenFields());
        paths.addAll(shape.embeds().keySet());
        paths.addAll(shape.allowedValues().keySet());
        paths.addAll(shape.names());
        paths.addAll(shape.nameRefs());
        return paths;
    }

    private static JsonNode operation(CatalogEntry entry) {
        return openApi.operation(entry.method().name(), entry.path());
    }
}
