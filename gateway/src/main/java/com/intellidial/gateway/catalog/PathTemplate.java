package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A parsed OpenAPI path template such as {@code /v2/knowledge-base/{id}/file/{fileId}}: literal
 * segments and named variables, each variable standing for one whole segment, optionally followed
 * by a literal suffix (Twilio's {@code /Calls/{Sid}.json}).
 *
 * @param segments one element per path segment; a variable is held as its name, see
 * {@link #variableAt(int)}
 * @param variables whether the segment at the same index is a variable
 * @param suffixes the literal that follows a variable in its segment ({@code ""} for none and for
 * literal segments)
 */
record PathTemplate(List<String> segments, List<Boolean> variables, List<String> suffixes) {

    PathTemplate {
        segments = List.copyOf(segments);
        variables = List.copyOf(variables);
        suffixes = List.copyOf(suffixes);
    }

    /**
     * Parses a template.
     * @throws IllegalArgumentException unless it is {@code /} followed by non-empty segments made
     * of {@code [A-Za-z0-9._-]} literals (not {@code .} or {@code ..}) or {@code {name}} variables,
     * each optionally followed by a {@code .}-led literal suffix ({@code {Sid}.json}), with no
     * repeated variable name
     */
    static PathTemplate parse(String template) {
        if (!template.startsWith("/") || template.length() < 2) {
            throw new IllegalArgumentException("path '" + template + "' must start with '/' and name a resource");
        }
        List<String> segments = new ArrayList<>();
        List<Boolean> variables = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String part : template.substring(1).split("/", -1)) {
            int close = part.indexOf('}');
            if (part.length() > 2 && part.startsWith("{") && close > 1) {
                String name = part.substring(1, close);
                String suffix = part.substring(close + 1);
                boolean repeated = new PathTemplate(segments, variables, suffixes).variableNames().contains(name);
                if (!isVariableName(name) || repeated || !(suffix.isEmpty() || isSuffix(suffix))) {
                    throw new IllegalArgumentException("path '" + template + "': bad or repeated variable '" + part + "'");
                }
                segments.add(name);
                variables.add(true);
                suffixes.add(suffix);
            }
            else if (isLiteral(part)) {
                segments.add(part);
                variables.add(false);
                suffixes.add("");
            }
            else {
                throw new IllegalArgumentException("path '" + template + "': bad segment '" + part + "'");
            }
        }
        return new PathTemplate(segments, variables, suffixes);
    }

    int size() {
        return this.segments.size();
    }

    /** The variable name at {@code index}, or {@code null} for a literal segment. */
    @Nullable String variableAt(int index) {
        return this.variables.get(index) ? this.segments.get(index) : null;
    }

    /** The literal after the variable at {@code index} ({@code ""} when none or for a literal segment). */
    String suffixAt(int index) {
        return this.suffixes.get(index);
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
            shape.append('/').append(this.variables.get(i) ? "{}" + this.suffixes.get(i) : this.segments.get(i));
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

    private static boolean isSuffix(String suffix) {
        return suffix.length() > 1 && suffix.charAt(0) == '.' && isLiteral(suffix) && !suffix.equals("..");
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
