package com.intellidial.gateway.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request matched to its catalog entry.
 *
 * @param entry the matched entry
 * @param pathVariables each template variable to its decoded value, already checked to be a
 * valid resource ID ({@code [A-Za-z0-9_-]{1,128}})
 */
public record CatalogMatch(CatalogEntry entry, Map<String, String> pathVariables) {

    public CatalogMatch {
        pathVariables = Collections.unmodifiableMap(new LinkedHashMap<>(pathVariables));
    }
}
