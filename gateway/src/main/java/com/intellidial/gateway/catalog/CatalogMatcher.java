package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * Matches a request's method and raw path to a catalog entry, strictly: segments are compared
 * exactly (case, trailing and doubled slashes matter), percent-decoded exactly once, and a
 * variable segment must be a resource ID of {@code [A-Za-z0-9_-]{1,128}}, so {@code %2F},
 * {@code ..}, {@code ;matrix} parameters and double encoding never match. A literal segment
 * beats a variable at the same position. Entries are compiled into a trie per method; a match
 * costs one pass over the path and no regular expression.
 */
public final class CatalogMatcher {

    /** Longest raw path considered; anything longer cannot be a catalog path. */
    static final int MAX_PATH_LENGTH = 2048;

    static final int MAX_ID_LENGTH = 128;

    private final Map<HttpMethod, Node> roots;

    CatalogMatcher(List<CatalogEntry> entries) {
        Map<HttpMethod, NodeBuilder> builders = new LinkedHashMap<>();
        for (CatalogEntry entry : entries) {
            builders.computeIfAbsent(entry.method(), (method) -> new NodeBuilder()).add(entry);
        }
        Map<HttpMethod, Node> compiled = new HashMap<>();
        builders.forEach((method, builder) -> compiled.put(method, builder.build()));
        this.roots = Map.copyOf(compiled);
    }

    /**
     * Finds the entry for a request.
     * @param method the request method
     * @param rawPath the raw (still percent-encoded) path relative to the upstream prefix, without
     * query string, e.g. {@code /assistant/abc-123}
     * @return the match, or empty when no entry matches (the caller answers 404)
     */
    public Optional<CatalogMatch> match(HttpMethod method, String rawPath) {
        Node root = this.roots.get(method);
        if (root == null || rawPath.length() > MAX_PATH_LENGTH || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (true) {
            int end = rawPath.indexOf('/', start);
            String decoded = decode(rawPath, start, (end < 0) ? rawPath.length() : end);
            if (decoded == null) {
                return Optional.empty();
            }
            segments.add(decoded);
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        Terminal terminal = root.find(segments, 0);
        if (terminal == null) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < terminal.variableNames.length; i++) {
            String name = terminal.variableNames[i];
            if (name != null) {
                String segment = segments.get(i);
                variables.put(name, segment.substring(0, segment.length() - terminal.suffixes[i].length()));
            }
        }
        return Optional.of(new CatalogMatch(terminal.entry, variables));
    }

    /** Whether {@code value} is a syntactically valid upstream resource ID. */
    static boolean isValidId(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Percent-decodes {@code raw[start, end)} once. Returns {@code null} for a malformed escape or
     * anything that decodes outside printable ASCII: no catalog literal or resource ID contains
     * such characters, so the segment could never match anyway.
     */
    static @Nullable String decode(String raw, int start, int end) {
        int firstEscape = raw.indexOf('%', start);
        if (firstEscape < 0 || firstEscape >= end) {
            return raw.substring(start, end);
        }
        StringBuilder decoded = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                c = (char) (high * 16 + low);
                i += 2;
            }
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            decoded.append(c);
        }
        return decoded.toString();
    }

    /**
     * The entry a complete path leads to, with the variable name (or null) and the variable's literal
     * suffix per segment.
     */
    private record Terminal(CatalogEntry entry, @Nullable String[] variableNames, String[] suffixes) {
    }

    /**
     * A compiled trie node: literal children first, then variable children keyed by the literal
     * suffix that follows the variable in its segment ({@code ""} for a whole-segment variable). A
     * suffix starts with {@code .}, which no ID contains, so at most one variable child can match.
     */
    private record Node(Map<String, Node> literals, Map<String, Node> variables, @Nullable Terminal terminal) {

        @Nullable Terminal find(List<String> segments, int index) {
            if (index == segments.size()) {
                return this.terminal;
            }
            String segment = segments.get(index);
            Node literal = this.literals.get(segment);
            if (literal != null) {
                Terminal found = literal.find(segments, index + 1);
                if (found != null) {
                    return found;
                }
            }
            for (Map.Entry<String, Node> variable : this.variables.entrySet()) {
                String suffix = variable.getKey();
                if (segment.endsWith(suffix) && isValidId(segment.substring(0, segment.length() - suffix.length()))) {
                    return variable.getValue().find(segments, index + 1);
                }
            }
            return null;
        }
    }

    private static final class NodeBuilder {

        private final Map<String, NodeBuilder> literals = new LinkedHashMap<>();

        private final Map<String, NodeBuilder> variables = new LinkedHashMap<>();

        private @Nullable Terminal terminal;

        void add(CatalogEntry entry) {
            PathTemplate template = PathTemplate.parse(entry.path());
            String[] names = new String[template.size()];
            String[] suffixes = new String[template.size()];
            NodeBuilder node = this;
            for (int i = 0; i < template.size(); i++) {
                names[i] = template.variableAt(i);
                suffixes[i] = template.suffixAt(i);
                if (names[i] != null) {
                    node = node.variables.computeIfAbsent(suffixes[i], (suffix) -> new NodeBuilder());
                }
                else {
                    node = node.literals.computeIfAbsent(template.segments().get(i), (literal) -> new NodeBuilder());
                }
            }
            if (node.terminal != null) {
                throw new IllegalArgumentException(entry.method() + " " + entry.path() + " is declared by both "
                        + node.terminal.entry.id() + " and " + entry.id());
            }
            node.terminal = new Terminal(entry, names, suffixes);
        }

        Node build() {
            Map<String, Node> literals = new HashMap<>();
            this.literals.forEach((literal, child) -> literals.put(literal, child.build()));
            Map<String, Node> variables = new HashMap<>();
            this.variables.forEach((suffix, child) -> variables.put(suffix, child.build()));
            return new Node(Map.copyOf(literals), Map.copyOf(variables), this.terminal);
        }
    }
}
