package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.CatalogMatch;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Scopes a successful VAPI response to the tenant before the client sees a byte of it: list
 * responses keep only the tenant's items (bare arrays and paginated pages, with the page metadata
 * rewritten so it counts nothing of other tenants), created resources (including every call of a
 * batch) are recorded as the tenant's with their original webhook URLs, deleted ones are
 * forgotten, every upstream credential field is removed ({@link UpstreamSecrets}), and in a
 * shared org every {@code orgId} (the platform's) is removed. Error responses
 * and non-JSON bodies (recording redirects) pass through untouched; a list or create response
 * that cannot be read fails closed with 502.
 */
final class ScopedResponse extends ServerHttpResponseDecorator {

    private static final Logger log = LoggerFactory.getLogger(ScopedResponse.class);

    private final Scope scope;

    private final CachingOwnershipStore store;

    private final R2dbcWebhookTargets targets;

    private final int maxBytes;

    private final Map<String, Object> exchangeAttributes;

    private final StreamedList streamedLists;

    private final PagedList pagedLists;

    ScopedResponse(ServerHttpResponse delegate, Scope scope, CachingOwnershipStore store, R2dbcWebhookTargets targets,
            long maxBytes, Map<String, Object> exchangeAttributes, StreamedList streamedLists, PagedList pagedLists) {
        super(delegate);
        this.streamedLists = streamedLists;
        this.pagedLists = pagedLists;
        this.exchangeAttributes = exchangeAttributes;
        this.scope = scope;
        this.store = store;
        this.targets = targets;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE, maxBytes);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        HttpStatusCode status = getStatusCode();
        if (status == null || !status.is2xxSuccessful()) {
            return super.writeWith(body);
        }
        CatalogEntry entry = this.scope.match().entry();
        boolean needsBody = entry.creates() != null || entry.lists() != null;
        boolean readable = isJson(getHeaders().getContentType()) && !isEncoded(getHeaders());
        if (!readable) {
            if (needsBody) {
                return Flux.from(body).doOnNext(DataBufferUtils::release).then(Mono.error(unreadable()));
            }
            return afterSuccess(List.of()).then(super.writeWith(body));
        }
        if (entry.lists() != null) {
            // Never buffered whole: an org-wide window can be far larger than what the tenant gets.
            return list(body, entry).flatMap(json -> {
                byte[] bytes = finish(json);
                getDelegate().getHeaders().setContentLength(bytes.length);
                return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
            });
        }
        return DataBufferUtils.join(Flux.from(body), this.maxBytes)
            .map(ScopedResponse::bytes)
            .onErrorMap(DataBufferLimitException.class, ex -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "The VAPI response is larger than the gateway can scope (" + this.maxBytes + " bytes)"))
            .flatMap(bytes -> scope(bytes, entry))
            .flatMap(bytes -> {
                getDelegate().getHeaders().setContentLength(bytes.length);
                return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
            });
    }

    private Mono<byte[]> scope(byte[] bytes, CatalogEntry entry) {
        JsonNode json = StrictJson.readResponse(bytes);
        if (json == null) {
            return (entry.creates() != null || entry.lists() != null) ? Mono.error(unreadable()) : Mono.just(bytes);
        }
        Mono<JsonNode> scoped;
        if (entry.creates() != null) {
            List<String> created = createdIds(json, entry);
            // Metering counts created calls from here (CallCreated), without reading the body again.
            this.exchangeAttributes.put(GatewayAttributes.CREATED_RESOURCES, created);
            scoped = afterSuccess(created).thenReturn(json);
        }
        else {
            scoped = afterSuccess(List.of()).thenReturn(json);
        }
        return scoped.map(this::finish);
    }

    /** The last rewrite of every JSON answer, lists included, and its bytes. */
    private byte[] finish(JsonNode result) {
        if (this.scope.sharedOrg()) {
            removeOrgIds(result, 0);
        }
        UpstreamSecrets.strip(result);
        return StrictJson.write(result);
    }

    /** The tenant's own items of a list, as the tenant's page for paginated lists. */
    private Mono<JsonNode> list(Publisher<? extends DataBuffer> body, CatalogEntry entry) {
        String type = entry.lists();
        if (entry.listShape() == CatalogEntry.ListShape.ARRAY) {
            return this.streamedLists.owned(body, type, this.scope.tenantId(), this.scope.trimTo()).map(JsonNode.class::cast);
        }
        int pageSize = Math.max(this.scope.trimTo(), 0);
        return this.pagedLists.owned(body, type, this.scope.tenantId(), this.scope.page(), pageSize).map(page -> {
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            ArrayNode results = answer.putArray("results");
            page.items().forEach(results::add);
            ObjectNode upstream = JsonNodeFactory.instance.objectNode();
            if (page.sortOrder() != null) {
                upstream.put("sortOrder", page.sortOrder());
            }
            answer.set("metadata", tenantMetadata(upstream, (int) Math.min(Integer.MAX_VALUE, page.owned()), pageSize,
                    this.scope.page()));
            return answer;
        });
    }

    private List<String> createdIds(JsonNode json, CatalogEntry entry) {
        List<String> ids = new ArrayList<>();
        JsonNode results = json.get("results");
        if (entry.createsBatch() && results instanceof ArrayNode batch) {
            batch.forEach(item -> addId(item, ids));
        }
        else {
            addId(json, ids);
        }
        if (ids.isEmpty()) {
            log.warn("A successful {} response carried no id; nothing recorded", entry.id());
        }
        return ids;
    }

    private static void addId(JsonNode item, List<String> ids) {
        JsonNode id = item.get("id");
        if (id != null && id.isString()) {
            ids.add(id.stringValue());
        }
    }

    /**
     * Records created resources (with alias and webhook URLs), webhook URLs and aliases of updated
     * ones, and forgets deleted ones; runs before the client reads the response, so its next
     * request sees the change.
     */
    private Mono<Void> afterSuccess(List<String> createdIds) {
        CatalogEntry entry = this.scope.match().entry();
        String tenant = this.scope.tenantId();
        List<Mono<Void>> writes = new ArrayList<>();
        String created = entry.creates();
        if (created != null) {
            String alias = (createdIds.size() == 1) ? this.scope.alias() : null;
            for (String id : createdIds) {
                writes.add(claimCreated(entry, tenant, created, id, alias));
                writes.add(rememberUrls(created, id));
            }
        }
        String pathId = this.scope.match().pathVariables().get("id");
        if (pathId != null && VapiIsolator.isUpdate(entry)) {
            String type = entry.pathParams().get("id");
            if (this.scope.alias() != null) {
                writes.add(this.store.record(tenant, VapiIsolator.UPSTREAM, type, pathId, this.scope.alias()));
            }
            writes.add(rememberUrls(type, pathId));
        }
        if (pathId != null && entry.deletes() != null && HttpMethod.DELETE.equals(entry.method())) {
            writes.add(this.store.forget(tenant, VapiIsolator.UPSTREAM, entry.deletes(), pathId));
            writes.add(this.targets.forget(tenant, entry.deletes(), pathId));
        }
        return Flux.concat(writes).then().onErrorMap(ex -> !(ex instanceof GatewayException), ex -> {
            log.error("VAPI accepted {} {} for tenant {} but its ownership could not be stored: {}", entry.id(),
                    createdIds.isEmpty() ? pathId : createdIds, tenant, ex.toString());
            return new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "VAPI accepted the request but the gateway could not record it; report the request id to support", ex);
        });
    }

    /**
     * Records a created resource as the tenant's, and fails closed (502) when the row stays another
     * tenant's: VAPI answered the create with an object the gateway already gave someone else, and
     * the client must not see it.
     */
    private Mono<Void> claimCreated(CatalogEntry entry, String tenant, String type, String id, @Nullable String alias) {
        return this.store.claim(tenant, VapiIsolator.UPSTREAM, type, id, alias).flatMap(claimed -> {
            if (claimed) {
                return Mono.<Void>empty();
            }
            log.error("VAPI answered {} for tenant {} with {} {}, which another tenant owns; answer withheld",
                    entry.id(), tenant, type, id);
            return Mono.error(new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "VAPI answered with a resource the gateway cannot give this tenant; report the request id to support"));
        });
    }

    private Mono<Void> rememberUrls(String type, String id) {
        return Flux.fromIterable(this.scope.webhookUrls().entrySet())
            .concatMap(url -> this.targets.remember(this.scope.tenantId(), type, id, url.getKey(), url.getValue()))
            .then();
    }

    /**
     * Page metadata built from the tenant's own items only, never from VAPI's: org-wide counts,
     * {@code hasNextPage} and {@code totalPages} of a filtered org-wide list would tell a tenant how
     * many items other tenants have (and whether one deals with a given number), and a
     * {@code nextCursor} is a position in the org-wide list. Only {@code sortOrder} is kept.
     */
    private static ObjectNode tenantMetadata(@Nullable JsonNode upstream, int owned, int pageSize, int page) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        int totalPages = (pageSize == 0) ? 0 : (owned + pageSize - 1) / pageSize;
        metadata.put("itemsPerPage", pageSize);
        metadata.put("totalItems", owned);
        metadata.put("currentPage", page);
        metadata.put("totalPages", totalPages);
        metadata.put("hasNextPage", page < totalPages);
        JsonNode sortOrder = (upstream != null) ? upstream.get("sortOrder") : null;
        if (sortOrder != null && sortOrder.isString()) {
            metadata.put("sortOrder", sortOrder.stringValue());
        }
        return metadata;
    }

    private static void removeOrgIds(JsonNode node, int depth) {
        if (depth > 256) {
            return;
        }
        if (node instanceof ObjectNode object) {
            object.remove(RequestBodyWalker.ORG_ID);
            object.values().forEach(child -> removeOrgIds(child, depth + 1));
        }
        else if (node instanceof ArrayNode array) {
            array.forEach(child -> removeOrgIds(child, depth + 1));
        }
    }

    private static boolean isJson(@Nullable MediaType type) {
        return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json"));
    }

    private static boolean isEncoded(HttpHeaders headers) {
        String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
        return encoding != null && !encoding.equalsIgnoreCase("identity");
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static GatewayException unreadable() {
        return new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "VAPI answered in a form the gateway cannot scope");
    }

    /**
     * What the response is scoped by.
     * @param tenantId the calling tenant
     * @param sharedOrg whether the tenant shares the platform's VAPI org
     * @param match the catalog match, path variables resolved to upstream ids
     * @param alias the alias to give a created or updated resource
     * @param webhookUrls body field to the tenant's own webhook URL, for every URL the gateway replaced
     * @param trimTo how many owned items a list keeps (its page size); -1 for all
     * @param page the tenant's page of a paginated list, 1-based, counted in its own items
     */
    record Scope(String tenantId, boolean sharedOrg, CatalogMatch match, @Nullable String alias,
            Map<String, String> webhookUrls, int trimTo, int page) {
    }
}
