package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;

/**
 * A parsed path to a field of a JSON body, written as dot-separated property names where a
 * {@code []} suffix steps into every element of an array: {@code squad.members[].assistantId}.
 *
 * @param segments the property steps, outermost first; never empty
 */
public record FieldPath(List<Segment> segments) {

    public FieldPath {
        Assert.notEmpty(segments, "a field path needs at least one segment");
        segments = List.copyOf(segments);
    }

    /**
     * Parses the catalog notation.
     * @param path e.g. {@code model.toolIds[]} or {@code dialPlan[].phoneNumberId}
     * @return the parsed path
     * @throws IllegalArgumentException if a segment is empty or {@code []} appears anywhere but
     * at the end of a segment
     */
    public static FieldPath parse(String path) {
        Assert.hasText(path, "field path must not be empty");
        List<Segment> segments = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            boolean array = part.endsWith("[]");
            String name = array ? part.substring(0, part.length() - 2) : part;
            if (!Segment.isValidName(name)) {
                throw new IllegalArgumentException("invalid field path '" + path + "': bad segment '" + part + "'");
            }
            segments.add(new Segment(name, array));
        }
        return new FieldPath(segments);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Segment segment : this.segments) {
            if (!text.isEmpty()) {
                text.append('.');
            }
            text.append(segment);
        }
        return text.toString();
    }

    /**
     * One step of a {@link FieldPath}.
     *
     * @param name the JSON property name (may contain {@code :} as in {@code tools:append})
     * @param array whether the property holds an array whose every element is visited
     */
    public record Segment(String name, boolean array) {

        public Segment {
            Assert.isTrue(isValidName(name), () -> "invalid field path segment '" + name + "'");
        }

        static boolean isValidName(String name) {
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '-' || c == ':' || c == '$';
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return this.array ? this.name + "[]" : this.name;
        }
    }
}
