package com.intellidial.simulator.vapi;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.intellidial.simulator.http.ResourceStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The operations every VAPI family shares, over one store of resources by org. */
final class VapiResources {

    /** Fields the server owns: a client can neither set nor change them. */
    private static final Set<String> SERVER_FIELDS = Set.of("id", "orgId", "createdAt", "updatedAt");

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    private final ResourceStore store = new ResourceStore();

    private final Clock clock;

    VapiResources(Clock clock) {
        this.clock = clock;
    }

    /** The default {@link VapiFamily.Creator}: stores the body plus the server fields and returns it. */
    JsonNode createOne(VapiFamily family, VapiRequest request) {
        return insert(family, request.orgId(), request.jsonBody());
    }

    /** Stores {@code body} as a new resource of the org, with a new id and timestamps, and returns it. */
    ObjectNode insert(VapiFamily family, String orgId, ObjectNode body) {
        ObjectNode resource = body.deepCopy();
        resource.remove(SERVER_FIELDS);
        String id = UUID.randomUUID().toString();
        String now = now();
        resource.put("id", id);
        resource.put("orgId", orgId);
        resource.put("createdAt", now);
        resource.put("updatedAt", now);
        this.store.insert(orgId, family.store(), id, resource);
        return resource;
    }

    /** The current time as VAPI writes timestamps: ISO 8601 UTC with milliseconds. */
    String now() {
        return TIMESTAMP.format(this.clock.instant());
    }

    JsonNode list(VapiFamily family, VapiRequest request) {
        VapiListQuery query = VapiListQuery.parse(request.query(), family);
        return query.render(this.store.list(request.orgId(), family.store()), family.listShape());
    }

    ObjectNode fetch(VapiFamily family, String orgId, String id) {
        return fetch(family.store(), orgId, id);
    }

    /** A resource of the org from the named store (a family's path), or a 404. */
    ObjectNode fetch(String store, String orgId, String id) {
        return this.store.find(orgId, store, id).orElseThrow(VapiException::notFound);
    }

    /** Shallow-merges the top-level fields of {@code patch}; server fields are ignored, {@code updatedAt} moves on. */
    ObjectNode update(VapiFamily family, String orgId, String id, ObjectNode patch) {
        return this.store.update(orgId, family.store(), id, resource -> {
            patch.properties().forEach(field -> {
                if (!SERVER_FIELDS.contains(field.getKey())) {
                    resource.set(field.getKey(), field.getValue());
                }
            });
            resource.put("updatedAt", TIMESTAMP.format(later(resource.get("updatedAt").stringValue())));
            return resource;
        }).orElseThrow(VapiException::notFound);
    }

    /** A resource of the org from the named store, if it exists. */
    Optional<ObjectNode> find(String store, String orgId, String id) {
        return this.store.find(orgId, store, id);
    }

    /** Applies a server-side change (a call progressing) to a copy of the resource; empty if it is gone. */
    Optional<ObjectNode> change(String store, String orgId, String id, Consumer<ObjectNode> change) {
        return this.store.update(orgId, store, id, resource -> {
            change.accept(resource);
            resource.put("updatedAt", TIMESTAMP.format(later(resource.get("updatedAt").stringValue())));
            return resource;
        });
    }

    ObjectNode delete(VapiFamily family, String orgId, String id) {
        return this.store.remove(orgId, family.store(), id).orElseThrow(VapiException::notFound);
    }

    /** Now, or a millisecond after {@code previous} if the clock has not moved on: updates are always visible. */
    private Instant later(String previous) {
        Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant floor = Instant.parse(previous).plusMillis(1);
        return now.isBefore(floor) ? floor : now;
    }
}
