package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of every catalog path (percent-encoded unreserved characters, case changes,
 * trailing slashes, {@code ;} parameters, doubled slashes, dot segments, encoded slashes, double
 * encoding) either matches nothing, or matches an entry whose canonical path, the one isolation
 * forwards, is exactly the spelling with its unreserved escapes decoded (RFC 3986 section 6.2.2.2).
 * So the path every filter checked is the path that is sent. A spelling that only encodes
 * unreserved characters matches the canonical spelling's own entry.
 */
class CatalogSpellingPropertyTests {

    private static final List<EndpointCatalog> CATALOGS = List.of(EndpointCatalog.forUpstream("vapi"),
            EndpointCatalog.forUpstream("twilio"));

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void aSpellingMatchesNothingOrTheEntryWhosePathIsForwarded(@ForAll("entries") CatalogEntry entry,
            @ForAll long seed) {
        Random random = new Random(seed);
        String canonical = entry.expandPath(variables(entry, random));
        String spelling = canonical;
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            spelling = PathSpellings.mutate(spelling, random);
        }
        Optional<CatalogMatch> match = matcher(entry).match(entry.method(), spelling);
        if (match.isPresent()) {
            CatalogMatch found = match.get();
            assertThat(found.entry().expandPath(found.pathVariables())).as("forwarded path of %s", spelling)
                .isEqualTo(PathSpellings.decodeUnreserved(spelling));
        }
    }

    @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
    void encodingUnreservedCharactersNeverChangesTheEntry(@ForAll("entries") CatalogEntry entry, @ForAll long seed) {
        Random random = new Random(seed);
        String canonical = entry.expandPath(variables(entry, random));
        String spelling = canonical;
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            spelling = PathSpellings.encodeOne(spelling, random);
        }
        CatalogMatch found = matcher(entry).match(entry.method(), spelling).orElseThrow(
                () -> new AssertionError(entry.id() + ": " + canonical + " matches but its spelling does not"));
        assertThat(found.entry().id()).isEqualTo(entry.id());
        assertThat(found.entry().expandPath(found.pathVariables())).isEqualTo(canonical);
    }

    @Provide
    Arbitrary<CatalogEntry> entries() {
        List<CatalogEntry> all = new ArrayList<>();
        CATALOGS.forEach(catalog -> all.addAll(catalog.entries()));
        // Entries whose canonical path another entry's literal shadows are not reachable by it.
        return Arbitraries.of(all.stream().filter(CatalogSpellingPropertyTests::reachable).toList());
    }

    private static boolean reachable(CatalogEntry entry) {
        Random random = new Random(entry.id().hashCode());
        String path = entry.expandPath(variables(entry, random));
        return matcher(entry).match(entry.method(), path).map(found -> found.entry().id().equals(entry.id())).orElse(false);
    }

    private static CatalogMatcher matcher(CatalogEntry entry) {
        String upstream = entry.id().substring(0, entry.id().indexOf('.'));
        return CATALOGS.stream().filter(catalog -> catalog.upstream().equals(upstream)).findFirst().orElseThrow().matcher();
    }

    /** Random valid ids for the entry's variables (a literal-looking id is as likely as any). */
    private static Map<String, String> variables(CatalogEntry entry, Random random) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : PathTemplate.parse(entry.path()).variableNames()) {
            StringBuilder id = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(24); i < n; i++) {
                id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
            }
            variables.put(name, id.toString());
        }
        return variables;
    }

}
