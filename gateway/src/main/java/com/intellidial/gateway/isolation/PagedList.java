package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.TokenBuffer;

/**
 * Filters a paginated VAPI list ({@code {"results":[...],"metadata":{...}}}) while it streams: the
 * items of {@code results} are parsed one at a time (each at most {@code maxItemBytes}), their
 * owners looked up {@value StreamedList#CHUNK} at a time, and only the tenant's items of the
 * requested page are kept; the tenant's other items are only counted. Of VAPI's metadata only
 * {@code sortOrder} is read. Memory is one chunk plus one page, whatever the org-wide window holds.
 */
final class PagedList {

    private static final JsonFactory FACTORY = new JsonFactory();

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final String RESULTS = "results";

    private static final String METADATA = "metadata";

    private final CachingOwnershipStore store;

    private final long maxItemBytes;

    PagedList(CachingOwnershipStore store, long maxItemBytes) {
        this.store = store;
        this.maxItemBytes = maxItemBytes;
    }

    /**
     * The tenant's page of the list.
     * @param body the upstream's answer
     * @param type the resource type listed
     * @param tenantId the tenant
     * @param page the tenant's page, 1-based, counted in its own items
     * @param pageSize the tenant's page size
     */
    Mono<Page> owned(Publisher<? extends DataBuffer> body, String type, String tenantId, int page, int pageSize) {
        return Mono.defer(() -> {
            Splitter splitter = new Splitter(this.maxItemBytes);
            long from = (long) (page - 1) * pageSize;
            long to = from + pageSize;
            List<JsonNode> kept = new ArrayList<>();
            long[] owned = { 0 };
            return Flux.from(body)
                .concatMapIterable(splitter::feed)
                .concatWith(Flux.defer(() -> Flux.fromIterable(splitter.end())))
                .buffer(StreamedList.CHUNK)
                .concatMap(items -> ownedOf(items, type, tenantId), 0)
                .doOnNext(item -> {
                    if (owned[0] >= from && owned[0] < to) {
                        kept.add(item);
                    }
                    owned[0]++;
                })
                .then(Mono.fromCallable(() -> new Page(kept, owned[0], splitter.sortOrder)))
                .onErrorMap(JacksonException.class, ex -> unreadable())
                .doFinally(signal -> splitter.close());
        });
    }

    private Flux<JsonNode> ownedOf(List<JsonNode> items, String type, String tenantId) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> {
            if (item.get("id") != null && item.get("id").isString()) {
                ids.add(item.get("id").stringValue());
            }
        });
        return this.store.ownersOf(VapiIsolator.UPSTREAM, type, ids).flatMapMany((Map<String, String> owners) -> Flux
            .fromIterable(items)
            .filter(item -> item.get("id") != null && item.get("id").isString()
                    && tenantId.equals(owners.get(item.get("id").stringValue()))));
    }

    private static GatewayException unreadable() {
        return new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "VAPI answered in a form the gateway cannot scope");
    }

    /**
     * The tenant's page.
     * @param items the tenant's items on the page
     * @param owned how many of the window's items are the tenant's
     * @param sortOrder VAPI's {@code metadata.sortOrder}, if it sent one
     */
    record Page(List<JsonNode> items, long owned, @Nullable String sortOrder) {
    }

    /** Cuts the byte stream into the items of the top-level {@code results} array. Not thread-safe: one per answer. */
    private static final class Splitter {

        private final JsonParser parser = FACTORY.createNonBlockingByteArrayParser(ObjectReadContext.empty());

        private final ByteArrayFeeder feeder = (ByteArrayFeeder) this.parser.nonBlockingInputFeeder();

        private final long maxItemBytes;

        /** Open objects and arrays: 1 inside the root object, 2 inside {@code results}, 3+ inside an item. */
        private int depth;

        private boolean sawRoot;

        private @Nullable String topField;

        private @Nullable String metadataField;

        private @Nullable TokenBuffer item;

        private long itemBytes;

        @Nullable String sortOrder;

        Splitter(long maxItemBytes) {
            this.maxItemBytes = maxItemBytes;
        }

        List<JsonNode> feed(DataBuffer buffer) {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            this.feeder.feedInput(bytes, 0, bytes.length);
            return drain(bytes.length);
        }

        List<JsonNode> end() {
            this.feeder.endOfInput();
            List<JsonNode> items = drain(0);
            if (!this.sawRoot || this.depth != 0) {
                throw unreadable();
            }
            return items;
        }

        private List<JsonNode> drain(int fed) {
            List<JsonNode> items = new ArrayList<>();
            if (this.item != null) {
                this.itemBytes += fed;
            }
            JsonToken token;
            while ((token = this.parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                TokenBuffer current = this.item;
                if (current != null) {
                    current.copyCurrentEvent(this.parser);
                    this.depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
                    if (this.itemBytes > this.maxItemBytes) {
                        throw unreadable();
                    }
                    if (this.depth == 2) {
                        items.add(MAPPER.readTree(current.asParser()));
                        current.close();
                        this.item = null;
                    }
                    continue;
                }
                if (token.isStructStart()) {
                    if (this.depth == 0 && token != JsonToken.START_OBJECT) {
                        throw unreadable();
                    }
                    this.sawRoot = true;
                    if (this.depth == 2 && RESULTS.equals(this.topField) && token == JsonToken.START_OBJECT) {
                        this.item = TokenBuffer.forBuffering(this.parser, ObjectReadContext.empty());
                        this.item.copyCurrentEvent(this.parser);
                        this.itemBytes = 0;
                    }
                    this.depth++;
                }
                else if (token.isStructEnd()) {
                    this.depth--;
                }
                else if (token == JsonToken.PROPERTY_NAME) {
                    if (this.depth == 1) {
                        this.topField = this.parser.currentName();
                    }
                    else if (this.depth == 2 && METADATA.equals(this.topField)) {
                        this.metadataField = this.parser.currentName();
                    }
                }
                else if (token == JsonToken.VALUE_STRING && this.depth == 2 && METADATA.equals(this.topField)
                        && "sortOrder".equals(this.metadataField)) {
                    this.sortOrder = this.parser.getString();
                }
            }
            return items;
        }

        void close() {
            TokenBuffer current = this.item;
            if (current != null) {
                current.close();
            }
            this.parser.close();
        }
    }
}
