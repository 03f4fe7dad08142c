package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A parsed OpenAPI path template such as {@code /v2/knowledge-base/{id}/file/{fileId}}: literal
 * segments and named variables, each variable standing for exactly one whole segment.
 *
 * @param segments one element per path segment; a variable is held as its name, see
 * {@link #variableAt(int)}
 * @param variables whether the segment at the same index is a variable
 */
record PathTemplate(List<String> segments, List<Boolean> variables) {

    PathTemplate {
        segments = List.copyOf(segments);
        variables = List.copyOf(variables);
    }

    /**
     * Parses a template.
     * @throws IllegalArgumentException unless it is {@code /} followed by non-empty segments made
     * of {@code [A-Za-z0-9._-]} literals (not {@code .} or {@code ..}) or whole-segment
     * {@code {name}} variables, with no repeated variable name
     */
    static PathTemplate parse(String template) {
        if (!template.startsWith("/") || template.length() < 2) {
            throw new IllegalArgumentException("path '" + template + "' must start with '/' and name a resource");
        }
        List<String> segments = new ArrayList<>();
        List<Boolean> variables = new ArrayList<>();
        for (String part : template.substring(1).split("/", -1)) {
            if (part.length() > 2 && part.startsWith("{") && part.endsWith("}")) {
                String name = part.substring(1, part.length() - 1);
                if (!isVariableName(name) || new PathTemplate(segments, variables).variableNames().contains(name)) {
                    throw new IllegalArgumentException("path '" + template + "': bad or repeated variable '" + part + "'");
                }
                segments.add(name);
                variables.add(true);
            }
            else if (isLiteral(part)) {
                segments.add(part);
                variables.add(false);
            }
            else {
                throw new IllegalArgumentException("path '" + template + "': bad segment '" + part + "'");
            }
        }
        return new PathTemplate(segments, variables);
    }

    int size() {
        return this.segments.size();
    }

    /** The variable name at {@code index}, or {@code null} for a literal segment. */
    @Nullable String variableAt(int index) {
        return this.variables.get(index) ? this.segments.get(index) : null;
    }

    /** The variable names in path order. */
    List<String> variableNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            String name = variableAt(i);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** The template with variable names erased, so {@code /a/{id}} and {@code /a/{x}} compare equal. */
    String shape() {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            shape.append('/').append(this.variables.get(i) ? "{}" : this.segments.get(i));
        }
        return shape.toString();
    }

    private static boolean isVariableName(String name) {
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiteral(String part) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }
}
