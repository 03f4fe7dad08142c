package com.intellidial.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the simulator received it; {@code rawQuery} is the undecoded query string
 * ({@code ""} when there is none) and {@code headers} is a case-insensitive, unmodifiable map.
 */
public record RecordedRequest(String method, String path, String rawQuery, Map<String, List<String>> headers,
        byte[] body, Instant receivedAt) {

    public RecordedRequest {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** The body bytes (a copy). */
    @Override
    public byte[] body() {
        return this.body.clone();
    }

    /** The first value of the named header, case-insensitively, or {@code null} if absent. */
    public @Nullable String header(String name) {
        List<String> values = this.headers.get(name);
        return (values == null || values.isEmpty()) ? null : values.get(0);
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(this.body, StandardCharsets.UTF_8);
    }

    /** Only the method, path and timestamp: headers may carry credentials. */
    @Override
    public String toString() {
        return "RecordedRequest[" + this.method + " " + this.path
                + (this.rawQuery.isEmpty() ? "" : "?" + this.rawQuery) + " at " + this.receivedAt + "]";
    }

    /** Records compare arrays by identity; compare the body by content instead. */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof RecordedRequest that && this.method.equals(that.method)
                && this.path.equals(that.path) && this.rawQuery.equals(that.rawQuery)
                && this.headers.equals(that.headers) && Arrays.equals(this.body, that.body)
                && this.receivedAt.equals(that.receivedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.method, this.path, this.rawQuery, this.headers,
                Arrays.hashCode(this.body), this.receivedAt);
    }
}
