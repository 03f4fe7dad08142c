package com.intellidial.simulator.vapi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Params;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The list query VAPI families share: {@code limit}, {@code page}, date bounds and equality filters. */
record VapiListQuery(int limit, int page, boolean ascending, Map<String, String> equalities,
        List<DateBound> dateBounds) {

    static final int DEFAULT_LIMIT = 100;

    static final int MAX_LIMIT = 1000;

    private static final Map<String, BiPredicate<Instant, Instant>> COMPARISONS = Map.of(
            "Gt", (value, bound) -> value.isAfter(bound), "Lt", (value, bound) -> value.isBefore(bound),
            "Ge", (value, bound) -> !value.isBefore(bound), "Le", (value, bound) -> !value.isAfter(bound));

    /** Parses and validates the query; a bad value is a 400 in NestJS validation shape. */
    static VapiListQuery parse(Params query, VapiFamily family) {
        int limit = integer(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        int page = integer(query, "page", 1, 1, Integer.MAX_VALUE);
        String cursor = query.nonEmpty("cursor");
        if (cursor != null) {
            page = cursorPage(cursor);
        }
        String sortOrder = query.nonEmpty("sortOrder");
        if (sortOrder != null && !sortOrder.equals("ASC") && !sortOrder.equals("DESC")) {
            throw VapiException.validation("sortOrder must be one of the following values: ASC, DESC");
        }
        for (String field : family.requiredListFilters()) {
            if (query.nonEmpty(field) == null) {
                throw VapiException.validation(field + " should not be empty");
            }
        }
        Map<String, String> equalities = new LinkedHashMap<>();
        for (String field : family.listFilters()) {
            String value = query.nonEmpty(field);
            if (value != null) {
                equalities.put(field, value);
            }
        }
        List<DateBound> bounds = new ArrayList<>();
        for (String field : List.of("createdAt", "updatedAt")) {
            for (Map.Entry<String, BiPredicate<Instant, Instant>> comparison : COMPARISONS.entrySet()) {
                String name = field + comparison.getKey();
                String value = query.nonEmpty(name);
                if (value != null) {
                    bounds.add(new DateBound(field, comparison.getValue(), instant(name, value)));
                }
            }
        }
        return new VapiListQuery(limit, page, "ASC".equals(sortOrder), equalities, bounds);
    }

    /** The body of the list response: the matching resources in the family's list shape. */
    JsonNode render(List<ObjectNode> newestFirst, ListShape shape) {
        List<ObjectNode> matching = new ArrayList<>(newestFirst.stream().filter(this::matches).toList());
        if (this.ascending) {
            Collections.reverse(matching);
        }
        if (shape == ListShape.BARE) {
            return array(matching.subList(0, Math.min(this.limit, matching.size())));
        }
        int total = matching.size();
        long from = Math.min((long) (this.page - 1) * this.limit, total);
        int to = (int) Math.min(from + this.limit, total);
        ObjectNode body = Json.object();
        body.set("results", array(matching.subList((int) from, to)));
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("itemsPerPage", this.limit);
        metadata.put("totalItems", total);
        metadata.put("currentPage", this.page);
        int totalPages = (this.limit == 0) ? 0 : (total + this.limit - 1) / this.limit;
        metadata.put("totalPages", totalPages);
        // PaginationMeta: hasNextPage, and an opaque keyset cursor only when a further page exists.
        metadata.put("hasNextPage", this.page < totalPages);
        if (this.page < totalPages) {
            metadata.put("nextCursor", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("page:" + (this.page + 1)).getBytes(StandardCharsets.UTF_8)));
        }
        metadata.put("sortOrder", this.ascending ? "ASC" : "DESC");
        return body;
    }

    private boolean matches(ObjectNode resource) {
        for (Map.Entry<String, String> equality : this.equalities.entrySet()) {
            if (!equality.getValue().equals(Json.text(resource, equality.getKey()))) {
                return false;
            }
        }
        for (DateBound bound : this.dateBounds) {
            String value = Json.text(resource, bound.field());
            if (value == null || !bound.comparison().test(Instant.parse(value), bound.bound())) {
                return false;
            }
        }
        return true;
    }

    private static ArrayNode array(List<ObjectNode> resources) {
        ArrayNode array = Json.array();
        resources.forEach(array::add);
        return array;
    }

    private static int integer(Params query, String name, int defaultValue, int min, int max) {
        String value = query.nonEmpty(name);
        if (value == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        }
        catch (NumberFormatException ex) {
            throw VapiException.validation(name + " must be a number conforming to the specified constraints");
        }
        if (parsed < min) {
            throw VapiException.validation(name + " must not be less than " + min);
        }
        if (parsed > max) {
            throw VapiException.validation(name + " must not be greater than " + max);
        }
        return parsed;
    }

    /** The page an opaque cursor this simulator handed out stands for; anything else is a 400. */
    private static int cursorPage(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith("page:")) {
                int page = Integer.parseInt(decoded.substring(5));
                if (page >= 1) {
                    return page;
                }
            }
        }
        catch (IllegalArgumentException ex) {
            // reported below (NumberFormatException is one)
        }
        throw VapiException.validation("cursor must be a cursor returned by a previous page");
    }

    private static Instant instant(String name, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException ex) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            catch (DateTimeParseException notADate) {
                throw VapiException.validation(name + " must be a valid ISO 8601 date string");
            }
        }
    }

    /** One {@code createdAtGt}-style bound on a timestamp field. */
    record DateBound(String field, BiPredicate<Instant, Instant> comparison, Instant bound) {
    }
}
