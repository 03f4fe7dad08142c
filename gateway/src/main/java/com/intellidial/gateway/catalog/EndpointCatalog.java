package com.intellidial.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The validated endpoint catalog of one upstream, loaded from {@code classpath:catalog/<upstream>.yaml}.
 * Loading fails with every problem listed (unknown keys, duplicate ids or method + path, unmapped path
 * variables, unknown resource types or shapes), so a broken catalog stops the gateway at startup
 * instead of opening or closing an endpoint by accident.
 */
public final class EndpointCatalog {

    /** Where catalogs live on the classpath; the file name without {@code .yaml} is the upstream name. */
    public static final String LOCATION = "catalog/";

    private static final Logger log = LoggerFactory.getLogger(EndpointCatalog.class);

    private final String upstream;

    private final Set<String> resourceTypes;

    private final Map<String, BodyShape> shapes;

    private final List<CatalogEntry> entries;

    private final Map<String, CatalogEntry> byId;

    private final CatalogMatcher matcher;

    private EndpointCatalog(String upstream, CatalogYaml.Document document) {
        this.upstream = upstream;
        this.resourceTypes = Set.copyOf(document.resourceTypes());
        this.shapes = Map.copyOf(document.shapes());
        this.entries = List.copyOf(document.entries());
        Map<String, CatalogEntry> ids = new HashMap<>();
        this.entries.forEach((entry) -> ids.put(entry.id(), entry));
        this.byId = Map.copyOf(ids);
        this.matcher = new CatalogMatcher(this.entries);
    }

    /**
     * Loads and validates the catalog of one upstream.
     * @param upstream the upstream name, e.g. {@code vapi}
     * @return the catalog
     * @throws IllegalStateException if the file is missing or invalid, listing every problem
     */
    public static EndpointCatalog forUpstream(String upstream) {
        if (!CatalogEntry.isWord(upstream)) {
            throw new IllegalArgumentException("invalid upstream name '" + upstream + "'");
        }
        Resource resource = new ClassPathResource(LOCATION + upstream + ".yaml");
        if (!resource.exists()) {
            throw new IllegalStateException("no endpoint catalog for upstream '" + upstream + "' at " + resource);
        }
        return load(upstream, resource);
    }

    /**
     * Loads every catalog under {@code classpath:catalog/*.yaml}.
     * @return upstream name to catalog
     */
    public static Map<String, EndpointCatalog> loadAll() {
        Map<String, EndpointCatalog> catalogs = new LinkedHashMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:" + LOCATION + "*.yaml")) {
                String file = String.valueOf(resource.getFilename());
                String upstream = file.substring(0, file.length() - ".yaml".length());
                if (catalogs.put(upstream, load(upstream, resource)) != null) {
                    throw new IllegalStateException("two endpoint catalogs for upstream '" + upstream + "'");
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot list endpoint catalogs", ex);
        }
        return Map.copyOf(catalogs);
    }

    /**
     * Parses and validates a catalog document.
     * @param upstream the upstream name; every entry id must start with it
     * @param yaml the YAML document
     * @return the catalog
     * @throws IllegalStateException listing every problem found
     */
    static EndpointCatalog parse(String upstream, InputStream yaml) {
        CatalogYaml.Document document = CatalogYaml.read(yaml);
        List<String> errors = new ArrayList<>(document.errors());
        validate(upstream, document, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("invalid endpoint catalog '" + upstream + "' (" + errors.size()
                    + " problem" + ((errors.size() == 1) ? "" : "s") + "):\n  " + String.join("\n  ", errors));
        }
        return new EndpointCatalog(upstream, document);
    }

    private static EndpointCatalog load(String upstream, Resource resource) {
        try (InputStream yaml = resource.getInputStream()) {
            EndpointCatalog catalog = parse(upstream, yaml);
            log.info("Loaded endpoint catalog '{}': {} entries ({} allowed)", upstream, catalog.entries.size(),
                    catalog.entries.stream().filter(CatalogEntry::allowed).count());
            return catalog;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read endpoint catalog " + resource, ex);
        }
    }

    private static void validate(String upstream, CatalogYaml.Document document, List<String> errors) {
        Set<String> types = new HashSet<>();
        for (String type : document.resourceTypes()) {
            if (!CatalogEntry.isWord(type) || !types.add(type)) {
                errors.add("resource-types: '" + type + "' is malformed or listed twice");
            }
        }
        BiConsumer<String, String> knownType = (where, type) -> {
            if (!types.contains(type)) {
                errors.add(where + ": unknown resource type '" + type + "' (declare it in resource-types)");
            }
        };
        Set<String> usedShapes = new HashSet<>();
        BiConsumer<String, String> knownShape = (where, shape) -> {
            usedShapes.add(shape);
            if (!document.shapes().containsKey(shape)) {
                errors.add(where + ": unknown shape '" + shape + "'");
            }
        };
        document.shapes().forEach((name, shape) -> checkShape("shape " + name, shape, knownType, knownShape));

        Map<String, String> idOwners = new HashMap<>();
        Map<String, String> routeOwners = new HashMap<>();
        for (CatalogEntry entry : document.entries()) {
            String where = "entry " + entry.id();
            if (!entry.id().startsWith(upstream + ".")) {
                errors.add(where + ": id must start with '" + upstream + ".'");
            }
            if (idOwners.putIfAbsent(entry.id(), entry.id()) != null) {
                errors.add(where + ": duplicate id");
            }
            String route = entry.method() + " " + PathTemplate.parse(entry.path()).shape();
            String previous = routeOwners.putIfAbsent(route, entry.id());
            if (previous != null) {
                errors.add(where + ": " + entry.method() + " " + entry.path() + " is already declared by " + previous);
            }
            if (entry.resource() != null) {
                knownType.accept(where + " resource", entry.resource());
            }
            entry.pathParams().forEach((name, type) -> knownType.accept(where + " path-params." + name, type));
            for (String type : Arrays.asList(entry.creates(), entry.deletes(), entry.lists())) {
                if (type != null) {
                    knownType.accept(where, type);
                }
            }
            entry.queryRefs().forEach((name, type) -> knownType.accept(where + " query-refs." + name, type));
            checkShape(where, entry.body(), knownType, knownShape);
            if (entry.bodyShape() != null) {
                knownShape.accept(where + " body-shape", entry.bodyShape());
            }
        }
        for (String shape : document.shapes().keySet()) {
            if (!usedShapes.contains(shape)) {
                errors.add("shape " + shape + ": never used (remove it or reference it from embeds/body-shape)");
            }
        }
    }

    private static void checkShape(String where, BodyShape shape, BiConsumer<String, String> knownType,
            BiConsumer<String, String> knownShape) {
        shape.refs().forEach((field, type) -> knownType.accept(where + " refs." + field, type));
        shape.embeds().forEach((field, name) -> knownShape.accept(where + " embeds." + field, name));
    }

    /** The upstream this catalog describes, e.g. {@code vapi}. */
    public String upstream() {
        return this.upstream;
    }

    /** Every entry, in file order. */
    public List<CatalogEntry> entries() {
        return this.entries;
    }

    /** The entry with the given id, if any. */
    public Optional<CatalogEntry> entry(String id) {
        return Optional.ofNullable(this.byId.get(id));
    }

    /** The named body shape referenced by {@code embeds} and {@code body-shape}. */
    public Optional<BodyShape> shape(String name) {
        return Optional.ofNullable(this.shapes.get(name));
    }

    /** The resource types this catalog's entries may name. */
    public Set<String> resourceTypes() {
        return this.resourceTypes;
    }

    /** The matcher over all entries, allowed and denied. */
    public CatalogMatcher matcher() {
        return this.matcher;
    }

    @Override
    public String toString() {
        return "EndpointCatalog[" + this.upstream + ", " + this.entries.size() + " entries]";
    }
}
