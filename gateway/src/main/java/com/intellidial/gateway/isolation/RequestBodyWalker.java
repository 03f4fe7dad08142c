package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import com.intellidial.gateway.catalog.BodyShape;
import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.FieldPath;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Walks a JSON request body by the rules of its catalog entry: the entry's own rules on the root,
 * then its body shape, then the named shape of every embedded object, recursively. On the way it
 * fills defaults, strips {@code orgId}, rejects forbidden fields and values outside a field's
 * allowed ones, checks that every name reference (an assistant by name) names a member of the
 * enclosing squad, replaces webhook URLs with the tenant's gateway URL (and sets the platform's
 * webhook {@code credentialId} next to each), makes every assistant report its calls to the
 * gateway, and collects every resource reference, each with a setter, so the caller can resolve
 * them all (asynchronously) and write the upstream ids back. Every path a tenant could put an id in
 * is named by the catalog; a value of the wrong JSON type on such a path is a 400, never skipped.
 */
final class RequestBodyWalker {

    /** The field the platform's org id travels in; a tenant never chooses the org. */
    static final String ORG_ID = "orgId";

    /** The sibling of a webhook {@code url} naming the VAPI credential VAPI authenticates with. */
    static final String CREDENTIAL_ID = "credentialId";

    /** The shape of everything that runs a call: assistants, transient or stored, and their overrides. */
    static final String CALL_RUNNING_SHAPE = "assistant";

    /** The server messages metering depends on; forced into every {@code serverMessages} list. */
    static final List<String> METERED_MESSAGES = List.of("end-of-call-report", "status-update");

    /** VAPI's documented default {@code serverMessages}, written where a tenant sets the list to {@code null}. */
    static final List<String> DEFAULT_SERVER_MESSAGES = List.of("conversation-update", "end-of-call-report",
            "function-call", "hang", "speech-update", "status-update", "tool-calls", "transfer-destination-request",
            "handoff-destination-request", "user-interrupted", "assistant.started");

    private final Function<String, BodyShape> shapes;

    /** @param shapes the catalog's named shapes ({@code EndpointCatalog::shape}) */
    RequestBodyWalker(Function<String, BodyShape> shapes) {
        this.shapes = shapes;
    }

    /**
     * Walks (and partly rewrites) {@code body} in place.
     * @param entry the matched catalog entry
     * @param body the parsed request body
     * @param gatewayWebhookUrl the tenant's gateway webhook URL every webhook URL is replaced with
     * @param credentialId the platform's VAPI webhook credential, set as the {@code credentialId} next to
     * every webhook URL; {@code null} to set none
     * @return the references to resolve and the webhook URLs replaced
     * @throws GatewayException 400 for a forbidden field or a value of the wrong type on a catalog path
     */
    Walk walk(CatalogEntry entry, ObjectNode body, String gatewayWebhookUrl, @Nullable String credentialId) {
        Walk walk = new Walk(new ArrayList<>(), new ArrayList<>());
        Set<String> defaulted = applyDefaults(entry, body);
        Context context = new Context(walk, gatewayWebhookUrl, credentialId, defaulted, null);
        apply(body, entry.body(), "", context);
        if (entry.bodyShape() != null) {
            if (CALL_RUNNING_SHAPE.equals(entry.bodyShape())) {
                // A created assistant is whole; an update changes only what it names.
                forceUsageReports(body, !HttpMethod.PATCH.equals(entry.method()), context);
            }
            apply(body, shape(entry.bodyShape()), "", context);
        }
        return walk;
    }

    private Set<String> applyDefaults(CatalogEntry entry, ObjectNode body) {
        Set<String> defaulted = new HashSet<>();
        for (CatalogEntry.FieldDefault fieldDefault : entry.defaults()) {
            if (present(body, fieldDefault.field())
                    || fieldDefault.unlessPresent().stream().anyMatch(other -> present(body, other))) {
                continue;
            }
            ObjectNode holder = body;
            List<FieldPath.Segment> segments = fieldDefault.field().segments();
            for (int i = 0; i < segments.size() - 1; i++) {
                JsonNode child = holder.get(segments.get(i).name());
                holder = (child instanceof ObjectNode object) ? object : holder.putObject(segments.get(i).name());
            }
            holder.put(segments.get(segments.size() - 1).name(), fieldDefault.alias());
            defaulted.add(fieldDefault.field().toString());
        }
        return defaulted;
    }

    /**
     * Whether a forbidden {@code credentialId} only repeats the webhook credential the gateway sets
     * there itself, as a read-modify-write of a resource does with what VAPI answered. Any other
     * value stays refused.
     */
    private static boolean echoesGatewayCredential(FieldPath field, Leaf leaf, Context context) {
        List<FieldPath.Segment> segments = field.segments();
        String name = segments.get(segments.size() - 1).name();
        JsonNode value = leaf.value();
        return CREDENTIAL_ID.equals(name) && context.credentialId() != null && leaf.holder() != null && value != null
                && value.isString() && value.stringValue().equals(context.credentialId());
    }

    /** Whether the (non-array) path holds a non-null value. */
    private static boolean present(ObjectNode body, FieldPath path) {
        JsonNode node = body;
        for (FieldPath.Segment segment : path.segments()) {
            node = (node instanceof ObjectNode object) ? object.get(segment.name()) : null;
            if (node == null || node.isNull()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ObjectNode object, BodyShape shape, String prefix, Context enclosing) {
        object.remove(ORG_ID);
        Context context = shape.names().isEmpty() ? enclosing : enclosing.withNames(names(object, shape, prefix));
        shape.allowedValues().forEach((field, allowed) -> visit(object, field.segments(), 0, prefix, (leaf) -> {
            if (leaf.value() == null || leaf.value().isNull()) {
                return;
            }
            if (!leaf.value().isString() || !allowed.contains(leaf.value().stringValue())) {
                throw problem(leaf.path(), "Field '" + leaf.path() + "' can only be " + String.join(" or ", allowed)
                        + " through the gateway");
            }
        }, false));
        for (FieldPath field : shape.nameRefs()) {
            visit(object, field.segments(), 0, prefix, (leaf) -> {
                if (leaf.value() == null || leaf.value().isNull()) {
                    return;
                }
                Set<String> names = context.names();
                if (!leaf.value().isString() || names == null || !names.contains(leaf.value().stringValue())) {
                    throw problem(leaf.path(), "Field '" + leaf.path() + "' must name a member of the same squad"
                            + " (members[].assistant.name or members[].assistantOverrides.name); name other assistants"
                            + " by assistantId");
                }
            }, false);
        }
        for (FieldPath field : shape.forbiddenFields()) {
            visit(object, field.segments(), 0, prefix, (leaf) -> {
                if (echoesGatewayCredential(field, leaf, context)) {
                    // What a GET answered, sent back: dropped here, set again next to the URL below.
                    leaf.setter().accept(null);
                    return;
                }
                throw problem(leaf.path(), "Field '" + leaf.path() + "' cannot be set through the gateway");
            }, true);
        }
        shape.refs().forEach((field, type) -> visit(object, field.segments(), 0, prefix, (leaf) -> {
            if (leaf.value() == null || leaf.value().isNull()) {
                return;
            }
            if (!leaf.value().isString()) {
                throw problem(leaf.path(), "Field '" + leaf.path() + "' must be a " + type + " id (a string)");
            }
            boolean fallback = prefix.isEmpty() && context.defaulted().contains(field.toString());
            context.walk().references().add(new Reference(leaf.path(), type, leaf.value().stringValue(), fallback,
                    leaf.setter()));
        }, false));
        for (FieldPath field : shape.webhookUrls()) {
            visit(object, field.segments(), 0, prefix, (leaf) -> {
                if (leaf.value() == null || leaf.value().isNull()) {
                    return;
                }
                if (!leaf.value().isString()) {
                    throw problem(leaf.path(), "Field '" + leaf.path() + "' must be a URL (a string)");
                }
                String url = leaf.value().stringValue();
                if (!url.equals(context.gatewayWebhookUrl())) {
                    context.walk().webhookUrls().add(new ReplacedUrl(leaf.path(), url));
                    leaf.setter().accept(context.gatewayWebhookUrl());
                }
                // The tenant cannot have set it: every webhook URL's credentialId is a forbidden field.
                ObjectNode server = leaf.holder();
                String credentialId = context.credentialId();
                if (credentialId != null && server != null) {
                    server.put(CREDENTIAL_ID, credentialId);
                }
            }, false);
        }
        shape.embeds().forEach((field, shapeName) -> visit(object, field.segments(), 0, prefix, (leaf) -> {
            if (leaf.value() == null || leaf.value().isNull()) {
                return;
            }
            if (!(leaf.value() instanceof ObjectNode embedded)) {
                throw problem(leaf.path(), "Field '" + leaf.path() + "' must be an object");
            }
            if (CALL_RUNNING_SHAPE.equals(shapeName)) {
                List<FieldPath.Segment> segments = field.segments();
                boolean overrides = segments.get(segments.size() - 1).name().endsWith("Overrides");
                forceUsageReports(embedded, !overrides, context);
            }
            apply(embedded, shape(shapeName), leaf.path() + ".", context);
        }, false));
    }

    /** The member names an object declares (a squad's assistants), which its name references may use. */
    private static Set<String> names(ObjectNode object, BodyShape shape, String prefix) {
        Set<String> names = new HashSet<>();
        for (FieldPath field : shape.names()) {
            visit(object, field.segments(), 0, prefix, (leaf) -> {
                if (leaf.value() == null || leaf.value().isNull()) {
                    return;
                }
                if (!leaf.value().isString()) {
                    throw problem(leaf.path(), "Field '" + leaf.path() + "' must be a name (a string)");
                }
                names.add(leaf.value().stringValue());
            }, false);
        }
        return names;
    }

    /**
     * Makes an assistant (or its overrides) report to the gateway, so its calls are metered without
     * the tenant's cooperation: a whole assistant always gets a {@code server} with the gateway's
     * URL, overrides only when they set {@code server}; and every {@code serverMessages} list keeps
     * {@code end-of-call-report} and {@code status-update} ({@code null} becomes VAPI's default
     * list, which has both). A value of the wrong type is left for the walk or VAPI to refuse.
     * @param whole whether the object is a whole assistant (create, transient) rather than overrides or an update
     */
    private static void forceUsageReports(ObjectNode assistant, boolean whole, Context context) {
        JsonNode server = assistant.get("server");
        if (whole || assistant.has("server")) {
            if (server == null || server.isNull()) {
                server = assistant.putObject("server");
            }
            if (server instanceof ObjectNode object && (object.get("url") == null || object.get("url").isNull())) {
                // Set before the webhook URLs are walked: the walk then adds the credential id next to it.
                object.put("url", context.gatewayWebhookUrl());
            }
        }
        JsonNode messages = assistant.get("serverMessages");
        if (messages != null && messages.isNull()) {
            ArrayNode defaults = assistant.putArray("serverMessages");
            DEFAULT_SERVER_MESSAGES.forEach(defaults::add);
        }
        else if (messages instanceof ArrayNode list) {
            for (String required : METERED_MESSAGES) {
                boolean present = false;
                for (JsonNode type : list) {
                    present |= type.isString() && type.stringValue().equals(required);
                }
                if (!present) {
                    list.add(required);
                }
            }
        }
    }

    /**
     * Visits every leaf a field path reaches. Missing or null intermediate values end the path;
     * values of the wrong type (a string where the path steps into an object, an object where it
     * expects an array) are a 400.
     * @param presence whether to visit a leaf only because its key is present (forbidden fields)
     */
    private static void visit(ObjectNode object, List<FieldPath.Segment> segments, int index, String prefix,
            Consumer<Leaf> visitor, boolean presence) {
        FieldPath.Segment segment = segments.get(index);
        String name = segment.name();
        String path = prefix + name;
        JsonNode child = object.get(name);
        boolean last = index == segments.size() - 1;
        if (child == null || (child.isNull() && !(presence && last))) {
            return;
        }
        if (presence && last) {
            visitor.accept(new Leaf(path, child, object, (value) -> setOrRemove(object, name, value)));
            return;
        }
        if (segment.array()) {
            if (!(child instanceof ArrayNode array)) {
                throw problem(path, "Field '" + path + "' must be an array");
            }
            for (int i = 0; i < array.size(); i++) {
                String elementPath = path + "[" + i + "]";
                JsonNode element = array.get(i);
                if (last) {
                    int position = i;
                    visitor.accept(new Leaf(elementPath, element, null,
                            (value) -> array.set(position, StringNode.valueOf(value))));
                }
                else if (element instanceof ObjectNode elementObject) {
                    visit(elementObject, segments, index + 1, elementPath + ".", visitor, presence);
                }
                else if (!element.isNull()) {
                    throw problem(elementPath, "Field '" + elementPath + "' must be an object");
                }
            }
            return;
        }
        if (last) {
            visitor.accept(new Leaf(path, child, object, (value) -> setOrRemove(object, name, value)));
        }
        else if (child instanceof ObjectNode childObject) {
            visit(childObject, segments, index + 1, path + ".", visitor, presence);
        }
        else {
            throw problem(path, "Field '" + path + "' must be an object");
        }
    }

    private static void setOrRemove(ObjectNode object, String name, @Nullable String value) {
        if (value == null) {
            object.remove(name);
        }
        else {
            object.put(name, value);
        }
    }

    private BodyShape shape(String name) {
        BodyShape shape = this.shapes.apply(name);
        if (shape == null) {
            throw new IllegalStateException("the catalog names an unknown shape '" + name + "'");
        }
        return shape;
    }

    private static GatewayException problem(String field, String detail) {
        return new GatewayException(ProblemType.MALFORMED_REQUEST, detail).withExtension("field", field);
    }

    /**
     * What a walk found.
     * @param references every resource id the body references, in document order
     * @param webhookUrls every webhook URL replaced, with the tenant's original
     */
    record Walk(List<Reference> references, List<ReplacedUrl> webhookUrls) {

        /** The replaced URLs as field to original URL. */
        Map<String, String> originalUrls() {
            Map<String, String> urls = new LinkedHashMap<>();
            this.webhookUrls.forEach(url -> urls.put(url.field(), url.url()));
            return urls;
        }
    }

    /**
     * A resource id in the body.
     * @param field where, e.g. {@code model.toolIds[2]}
     * @param type the resource type it must belong to
     * @param value the id or alias the tenant wrote (or the default alias the gateway filled in)
     * @param fallback whether the gateway filled it in as a default, so an unknown alias removes it instead of failing
     * @param replace writes the resolved upstream id (or {@code null} to remove the field) back into the body
     */
    record Reference(String field, String type, String value, boolean fallback, Consumer<@Nullable String> replace) {
    }

    /**
     * A webhook URL the gateway replaced.
     * @param field where, e.g. {@code server.url}
     * @param url the tenant's own URL
     */
    record ReplacedUrl(String field, String url) {
    }

    /** @param holder the object holding the value; {@code null} for an array element */
    private record Leaf(String path, @Nullable JsonNode value, @Nullable ObjectNode holder,
            Consumer<@Nullable String> setter) {
    }

    /** @param names the member names of the nearest enclosing squad; {@code null} outside any squad */
    private record Context(Walk walk, String gatewayWebhookUrl, @Nullable String credentialId, Set<String> defaulted,
            @Nullable Set<String> names) {

        Context withNames(Set<String> memberNames) {
            return new Context(this.walk, this.gatewayWebhookUrl, this.credentialId, this.defaulted, memberNames);
        }
    }
}
