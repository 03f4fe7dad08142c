package com.intellidial.gateway.credentials;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One version of a secret: its fields and the store's version number (0 when the store has no
 * versions). {@link #toString()} never prints a value.
 */
public record Secret(SecretPath path, Map<String, String> fields, long version) {

    public Secret {
        fields = Map.copyOf(fields);
    }

    /** The field's value, or {@code null} when absent or blank. */
    public @Nullable String field(String name) {
        String value = this.fields.get(name);
        return (value == null || value.isBlank()) ? null : value;
    }

    @Override
    public String toString() {
        return "Secret[path=" + this.path + ", fields=" + this.fields.keySet() + ", version=" + this.version + "]";
    }
}
