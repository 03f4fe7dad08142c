package com.intellidial.simulator.twilio;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Params;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Twilio v2010 list paging: {@code PageSize} (default 50, max 1000) and {@code Page}, and the page envelope. */
final class TwilioPage {

    static final int DEFAULT_PAGE_SIZE = 50;

    static final int MAX_PAGE_SIZE = 1000;

    private static final Set<String> PAGING = Set.of("Page", "PageSize", "PageToken");

    private TwilioPage() {
    }

    /** The page the query asks for, of {@code items} (already filtered and ordered), under the list key. */
    static ObjectNode of(String key, List<ObjectNode> items, String path, Params query) {
        int pageSize = number(query, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        int page = number(query, "Page", 0, 0, Integer.MAX_VALUE);
        long start = (long) page * pageSize;
        int from = (int) Math.min(start, items.size());
        int to = (int) Math.min(start + pageSize, items.size());
        String filters = filters(query);
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray(key);
        items.subList(from, to).forEach(array::add);
        body.put("first_page_uri", uri(path, filters, pageSize, 0));
        body.put("end", Math.max(start, start + (to - from) - 1));
        if (page > 0) {
            body.put("previous_page_uri", uri(path, filters, pageSize, page - 1) + "&PageToken=" + token(from, "PB"));
        }
        else {
            body.putNull("previous_page_uri");
        }
        body.put("uri", uri(path, filters, pageSize, page));
        body.put("page_size", pageSize);
        body.put("start", start);
        if (to < items.size()) {
            body.put("next_page_uri", uri(path, filters, pageSize, page + 1) + "&PageToken=" + token(to - 1, "PA"));
        }
        else {
            body.putNull("next_page_uri");
        }
        body.put("page", page);
        return body;
    }

    /**
     * A page token as Twilio mints them: {@code PA} (after) or {@code PB} (before) and the position
     * of the item at the page's edge. Callers follow the URI verbatim; the simulator pages by
     * {@code Page} and ignores it.
     */
    private static String token(int position, String direction) {
        return direction + position;
    }

    private static String uri(String path, String filters, int pageSize, int page) {
        return path + "?" + filters + "PageSize=" + pageSize + "&Page=" + page;
    }

    /** The non-paging query parameters, encoded and each followed by {@code &}, to carry into every page URI. */
    private static String filters(Params query) {
        StringJoiner joined = new StringJoiner("");
        for (Map.Entry<String, List<String>> parameter : query.asMap().entrySet()) {
            if (!PAGING.contains(parameter.getKey())) {
                for (String value : parameter.getValue()) {
                    joined.add(encode(parameter.getKey()) + "=" + encode(value) + "&");
                }
            }
        }
        return joined.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int number(Params query, String name, int defaultValue, int min, int max) {
        String value = query.nonEmpty(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw TwilioException.badRequest(20001, "Invalid " + name + ": " + value);
    }
}
