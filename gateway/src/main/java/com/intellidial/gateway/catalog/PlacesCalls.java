package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;
import tools.jackson.databind.JsonNode;

/**
 * Where an endpoint that places calls names them: the callees (each value at a {@code callees} path
 * is one call: a VAPI customer object, or a Twilio {@code To} form field) and the caller id. Budgets
 * count calls with it; the compliance guard reads callees and caller ids with it. Declared in the
 * catalog as {@code places-calls}.
 *
 * @param callees paths to the callees, each value one call ({@code customers[]} counts every element)
 * @param callerIds paths to the number (or number id) the calls are placed from
 * @param atLeastOne whether a request places one call even when it names no callee (VAPI
 * {@code POST /call} with only a {@code customerId}); false for campaigns, which place none then
 */
public record PlacesCalls(List<FieldPath> callees, List<FieldPath> callerIds, boolean atLeastOne) {

    public PlacesCalls {
        Assert.notEmpty(callees, "places-calls needs at least one callee path");
        callees = List.copyOf(callees);
        callerIds = List.copyOf(callerIds);
    }

    /** Whether the number of calls depends on the body: some callee path steps into an array. */
    public boolean countsFromBody() {
        return this.callees.stream().anyMatch(path -> path.segments().stream().anyMatch(FieldPath.Segment::array));
    }

    /** How many calls a JSON body asks for: one per callee found, at least one when {@link #atLeastOne()}. */
    public int calls(JsonNode body) {
        int found = callees(body).size();
        return (this.atLeastOne) ? Math.max(1, found) : found;
    }

    /** Every callee a JSON body names (null and missing values skipped). */
    public List<JsonNode> callees(JsonNode body) {
        List<JsonNode> found = new ArrayList<>();
        for (FieldPath path : this.callees) {
            collect(body, path.segments(), 0, found);
        }
        return found;
    }

    private static void collect(JsonNode node, List<FieldPath.Segment> segments, int index, List<JsonNode> found) {
        if (index == segments.size()) {
            if (!node.isNull() && !node.isMissingNode()) {
                found.add(node);
            }
            return;
        }
        FieldPath.Segment segment = segments.get(index);
        JsonNode child = node.path(segment.name());
        if (!segment.array()) {
            collect(child, segments, index + 1, found);
        }
        else if (child.isArray()) {
            child.forEach(element -> collect(element, segments, index + 1, found));
        }
    }
}
