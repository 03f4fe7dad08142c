package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Filters a bare-array VAPI list while it streams: items are decoded one at a time (each at most
 * {@code maxItemBytes}), their owners looked up {@value #CHUNK} at a time, other tenants' items
 * dropped at once, and reading stops (the upstream answer is cancelled) as soon as the tenant's
 * limit is reached. A busy org's list therefore costs one chunk of items in memory, not the whole
 * org-wide page, and never fails for being large.
 */
final class StreamedList {

    /** How many items are held while their owners are looked up. */
    static final int CHUNK = 50;

    private static final ResolvableType NODE = ResolvableType.forClass(JsonNode.class);

    private final JacksonJsonDecoder decoder;

    private final CachingOwnershipStore store;

    StreamedList(CachingOwnershipStore store, int maxItemBytes) {
        this.store = store;
        this.decoder = new JacksonJsonDecoder();
        this.decoder.setMaxInMemorySize(maxItemBytes);
    }

    /**
     * The tenant's own items of the list, in the upstream's order.
     * @param body the upstream's answer, a JSON array
     * @param type the resource type listed
     * @param tenantId the tenant
     * @param limit how many items to keep; -1 for all
     */
    Mono<ArrayNode> owned(Publisher<? extends DataBuffer> body, String type, String tenantId, int limit) {
        Flux<JsonNode> owned = this.decoder.decode(Flux.from(body).cast(DataBuffer.class), NODE, MediaType.APPLICATION_JSON, null)
            .cast(JsonNode.class)
            .buffer(CHUNK)
            .concatMap(items -> ownedOf(items, type, tenantId), 0);
        return ((limit >= 0) ? owned.take(limit, true) : owned)
            .collectList()
            .map(items -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                items.forEach(array::add);
                return array;
            })
            .onErrorMap(ex -> ex instanceof DecodingException || ex instanceof DataBufferLimitException,
                    ex -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                            "VAPI answered in a form the gateway cannot scope"));
    }

    private Flux<JsonNode> ownedOf(List<JsonNode> items, String type, String tenantId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode id = item.get("id");
            if (id != null && id.isString()) {
                ids.add(id.stringValue());
            }
        }
        return this.store.ownersOf(VapiIsolator.UPSTREAM, type, ids).flatMapMany((Map<String, String> owners) -> Flux
            .fromIterable(items)
            .filter(item -> item.get("id") != null && item.get("id").isString()
                    && tenantId.equals(owners.get(item.get("id").stringValue()))));
    }
}
