package com.intellidial.simulator.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

/** Decoded query or form parameters, keeping repeated names and their order. */
public final class Params {

    private final Map<String, List<String>> values;

    private Params(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parameters of a raw (still encoded) query string. */
    public static Params ofQuery(String rawQuery) {
        return decode(rawQuery);
    }

    /** Parameters of an {@code application/x-www-form-urlencoded} body. */
    public static Params ofForm(byte[] body) {
        return decode(new String(body, StandardCharsets.UTF_8));
    }

    private static Params decode(String encoded) {
        if (encoded.isEmpty()) {
            return new Params(Map.of());
        }
        return new Params(new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false).parameters());
    }

    /** The first value of a parameter, or {@code null} if absent. */
    public @Nullable String first(String name) {
        List<String> list = this.values.get(name);
        return (list == null || list.isEmpty()) ? null : list.get(0);
    }

    /** The first value of a parameter, or {@code null} if it is absent or empty. */
    public @Nullable String nonEmpty(String name) {
        String value = first(name);
        return (value == null || value.isEmpty()) ? null : value;
    }

    /** Every value of a parameter, in order; empty if absent. */
    public List<String> all(String name) {
        return this.values.getOrDefault(name, List.of());
    }

    /** Whether the parameter is present. */
    public boolean has(String name) {
        return this.values.containsKey(name);
    }

    /** All parameters, by name, in order. */
    public Map<String, List<String>> asMap() {
        return this.values;
    }
}
