package com.intellidial.gateway.isolation;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.CatalogMatch;
import com.intellidial.gateway.catalog.CatalogMatchGlobalFilter;
import com.intellidial.gateway.catalog.EndpointCatalog;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.web.ProblemType;
import com.intellidial.gateway.callbacks.RelayTargetGuard;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Isolation for VAPI: every request has been matched strictly against the VAPI endpoint catalog
 * ({@link CatalogMatchGlobalFilter}; unknown or denied: 404, never forwarded), every resource id in the path, the query and the body must be
 * the tenant's own or one of its aliases (else 404 naming the field, the same answer as for an id
 * that does not exist), defaults are filled, webhook URLs are replaced with the tenant's gateway
 * webhook URL, and the request goes upstream on the canonical path the catalog builds, never the
 * tenant's spelling of it. The response is scoped by {@link ScopedResponse}. Shared-org and
 * dedicated-org tenants get the same checks.
 */
final class VapiIsolator implements UpstreamIsolator {

    static final String UPSTREAM = "vapi";

    /** The route prefix the request path still carries at isolation time (StripPrefix runs later). */
    private static final String PREFIX = "/" + UPSTREAM;

    private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** Query parameter names that look like resource references; undeclared ones are refused on non-list endpoints. */
    private static final Pattern REFERENCE_PARAM = Pattern.compile(".*(Id|Ids|IdAny|IdsAny)");

    private static final String LIMIT = "limit";

    private static final String PAGE = "page";

    private static final String CURSOR = "cursor";

    private static final int DEFAULT_LIST_LIMIT = 100;

    /** The field of a dedicated-org tenant's VAPI secret that names the webhook credential in its org. */
    static final String DEDICATED_WEBHOOK_CREDENTIAL = "webhook_credential_id";

    private final EndpointCatalog catalog;

    private final RequestBodyWalker walker;

    private final CachingOwnershipStore store;

    private final R2dbcWebhookTargets targets;

    private final WebhooksProperties webhooks;

    private final RelayTargetGuard relayTargets;

    private final SecretStore secrets;

    private final IsolationProperties properties;

    private final int maxBodyBytes;

    private final StreamedList streamedLists;

    private final PagedList pagedLists;

    VapiIsolator(EndpointCatalog catalog, CachingOwnershipStore store, R2dbcWebhookTargets targets,
            WebhooksProperties webhooks, RelayTargetGuard relayTargets, SecretStore secrets,
            IsolationProperties properties, long maxBodyBytes) {
        this.catalog = catalog;
        this.walker = new RequestBodyWalker(name -> catalog.shape(name).orElse(null));
        this.store = store;
        this.targets = targets;
        this.webhooks = webhooks;
        this.relayTargets = relayTargets;
        this.secrets = secrets;
        this.properties = properties;
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, maxBodyBytes);
        this.streamedLists = new StreamedList(store, (int) Math.min(Integer.MAX_VALUE, properties.maxResponseSize().toBytes()));
        this.pagedLists = new PagedList(store, properties.maxResponseSize().toBytes());
    }

    @Override
    public String upstream() {
        return UPSTREAM;
    }

    @Override
    public Mono<ServerWebExchange> isolate(ServerWebExchange exchange, TenantContext tenant) {
        return Mono.defer(() -> {
            ServerHttpRequest request = exchange.getRequest();
            CatalogMatch match = CatalogMatchGlobalFilter.require(exchange);
            CatalogEntry entry = match.entry();
            String alias = alias(request, entry);
            Mono<Map<String, String>> path = resolvePath(tenant.tenantId(), match);
            Mono<Query> query = resolveQuery(tenant.tenantId(), entry, request.getURI().getRawQuery());
            Mono<Body> body = body(exchange, tenant, entry);
            return Mono.zip(path, query, body).map(resolved -> {
                Map<String, String> variables = resolved.getT1();
                CatalogMatch resolvedMatch = new CatalogMatch(entry, variables);
                exchange.getAttributes().put(GatewayAttributes.CATALOG_MATCH, resolvedMatch);
                return forward(exchange, tenant, resolvedMatch, resolved.getT2(), resolved.getT3(), alias);
            });
        });
    }

    /** The alias the tenant gives the resource it creates or updates ({@code X-Gateway-Alias}), if any. */
    private static @Nullable String alias(ServerHttpRequest request, CatalogEntry entry) {
        List<String> values = request.getHeaders().get(GatewayHeaders.RESOURCE_ALIAS);
        if (values == null || values.isEmpty()) {
            return null;
        }
        String alias = values.get(0);
        if (values.size() > 1 || !CachingOwnershipStore.isAlias(alias)) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                    GatewayHeaders.RESOURCE_ALIAS + " must be one name of lower-case letters, digits and '-' (at most 63)");
        }
        if (entry.creates() == null && !isUpdate(entry)) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                    GatewayHeaders.RESOURCE_ALIAS + " applies only to creating or updating a resource");
        }
        return alias;
    }

    /** Whether the entry updates the resource named by its {@code id} path variable. */
    static boolean isUpdate(CatalogEntry entry) {
        return HttpMethod.PATCH.equals(entry.method()) && entry.resource() != null
                && entry.resource().equals(entry.pathParams().get("id"));
    }

    private Mono<Map<String, String>> resolvePath(String tenantId, CatalogMatch match) {
        return Flux.fromIterable(match.pathVariables().entrySet())
            .concatMap(variable -> {
                String type = match.entry().pathParams().get(variable.getKey());
                if (type == null) {
                    return Mono.error(new IllegalStateException("path variable '" + variable.getKey() + "' of "
                            + match.entry().id() + " has no resource type"));
                }
                return resolve(tenantId, type, variable.getValue(), null).map(id -> Map.entry(variable.getKey(), id));
            })
            .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
    }

    /**
     * The upstream id an id or alias stands for, if the tenant owns it.
     * @param field the body or query field it came from, named in the 404; {@code null} for the path
     */
    Mono<String> resolve(String tenantId, String type, String value, @Nullable String field) {
        if (!RESOURCE_ID.matcher(value).matches()) {
            return Mono.error(notFound(type, null, field));
        }
        return this.store.isOwnedBy(tenantId, UPSTREAM, type, value)
            .flatMap(owned -> owned ? Mono.just(value) : this.store.resolveAlias(tenantId, UPSTREAM, type, value))
            .switchIfEmpty(Mono.error(() -> notFound(type, value, field)));
    }

    /** The same answer for an id that does not exist and for another tenant's: existence never leaks. */
    static GatewayException notFound(String type, @Nullable String value, @Nullable String field) {
        String detail = "No " + type + " with " + ((value != null) ? "id '" + value + "'" : "that id")
                + ((field != null) ? " (field '" + field + "')" : "");
        GatewayException problem = new GatewayException(ProblemType.NOT_FOUND, detail);
        return (field != null) ? problem.withExtension("field", field) : problem;
    }

    private Mono<Query> resolveQuery(String tenantId, CatalogEntry entry, @Nullable String rawQuery) {
        List<Map.Entry<String, String>> params = parseQuery(rawQuery);
        boolean list = entry.lists() != null;
        boolean paginated = list && entry.listShape() == CatalogEntry.ListShape.PAGINATED;
        int listLimit = -1;
        int page = 1;
        List<Mono<Map.Entry<String, String>>> resolved = new ArrayList<>();
        for (Map.Entry<String, String> param : params) {
            String name = param.getKey();
            String type = entry.queryRefs().get(name);
            if (name.equals(RequestBodyWalker.ORG_ID) || (type == null && !list && REFERENCE_PARAM.matcher(name).matches())
                    || (list && name.equals(CURSOR))) {
                // A cursor is the org's position in the org-wide list: the gateway never hands one out.
                throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                        "Query parameter '" + name + "' is not supported").withExtension("field", name);
            }
            if (type != null) {
                List<Mono<String>> ids = new ArrayList<>();
                String[] values = name.endsWith("Any") ? param.getValue().split(",", -1) : new String[] { param.getValue() };
                for (String value : values) {
                    ids.add(resolve(tenantId, type, value, name));
                }
                resolved.add(Flux.concat(ids).collectList().map(values2 -> Map.entry(name, String.join(",", values2))));
            }
            else if (list && name.equals(LIMIT)) {
                listLimit = parseLimit(param.getValue());
            }
            else if (paginated && name.equals(PAGE)) {
                page = parsePage(param.getValue());
            }
            else {
                resolved.add(Mono.just(param));
            }
        }
        if (list) {
            // Lists of a shared org hold every tenant's resources: fetch the org's first window,
            // keep the tenant's own, and page through those (every page, not only the first, so no
            // page's metadata ever depends on other tenants' items).
            int limit = (listLimit < 0) ? DEFAULT_LIST_LIMIT : listLimit;
            resolved.add(Mono.just(Map.entry(LIMIT, String.valueOf(Math.max(limit, this.properties.listFetchLimit())))));
            int trimTo = limit;
            int tenantPage = page;
            return Flux.concat(resolved).collectList().map(all -> new Query(encode(all), trimTo, tenantPage));
        }
        return Flux.concat(resolved).collectList().map(all -> new Query(encode(all), -1, 1));
    }

    private static int parsePage(String value) {
        try {
            int page = Integer.parseInt(value);
            if (page >= 1) {
                return page;
            }
        }
        catch (NumberFormatException ex) {
            // fall through to the 400
        }
        throw new GatewayException(ProblemType.MALFORMED_REQUEST, "Query parameter 'page' must be a number from 1")
            .withExtension("field", PAGE);
    }

    private static int parseLimit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 0 && limit <= 1000) {
                return limit;
            }
        }
        catch (NumberFormatException ex) {
            // fall through to the 400
        }
        throw new GatewayException(ProblemType.MALFORMED_REQUEST, "Query parameter 'limit' must be a number from 0 to 1000")
            .withExtension("field", LIMIT);
    }

    private static List<Map.Entry<String, String>> parseQuery(@Nullable String rawQuery) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                params.add(Map.entry(name, value));
            }
            catch (IllegalArgumentException ex) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The query string is not well-formed");
            }
        }
        return params;
    }

    private static @Nullable String encode(List<Map.Entry<String, String>> params) {
        if (params.isEmpty()) {
            return null;
        }
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> param : params) {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private Mono<Body> body(ServerWebExchange exchange, TenantContext tenant, CatalogEntry entry) {
        BodylessMethods.refuseUncheckedBody(exchange.getRequest(), entry.bufferBody());
        MediaType contentType = exchange.getRequest().getHeaders().getContentType();
        boolean multipart = contentType != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(contentType);
        if (entry.contentType() == CatalogEntry.ContentType.MULTIPART) {
            if (!multipart) {
                return Mono.error(new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "This endpoint takes a multipart/form-data body"));
            }
            return Mono.just(Body.UNCHANGED);
        }
        if (multipart) {
            return Mono.error(new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "This endpoint takes a JSON body"));
        }
        if (!entry.bufferBody()) {
            return Mono.just(Body.UNCHANGED);
        }
        String encoding = exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
        boolean encoded = encoding != null && !encoding.equalsIgnoreCase("identity");
        if (encoded || (contentType != null && !MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
                && !contentType.getSubtype().endsWith("+json"))) {
            return Mono.error(new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "This endpoint takes an uncompressed JSON body"));
        }
        return DataBufferUtils.join(exchange.getRequest().getBody(), this.maxBodyBytes)
            .map(buffer -> {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                DataBufferUtils.release(buffer);
                return bytes;
            })
            .defaultIfEmpty(new byte[0])
            .onErrorMap(DataBufferLimitException.class, ex -> new GatewayException(ProblemType.PAYLOAD_TOO_LARGE,
                    "The request body exceeds the limit of " + this.maxBodyBytes + " bytes"))
            .flatMap(bytes -> webhookCredentialId(tenant)
                .flatMap(credentialId -> rewrite(tenant, entry, bytes, credentialId.orElse(null))));
    }

    /**
     * The VAPI webhook credential to name next to every {@code server.url}: the tenant's own
     * ({@code credential_id} of {@code tenants/{id}/vapi-webhook}, created by onboarding in the org
     * its resources live in), else, for tenants set up before those, the platform's (shared-org) or
     * the one an operator created in the tenant's own org ({@code webhook_credential_id} beside its
     * {@code api_key}), or none.
     */
    private Mono<Optional<String>> webhookCredentialId(TenantContext tenant) {
        Mono<Optional<String>> legacy = (tenant.tenant().vapiMode() == VapiMode.SHARED_ORG)
                ? Mono.fromSupplier(() -> Optional.ofNullable(this.webhooks.vapiCredentialId()))
                : field(SecretPath.tenantVapi(tenant.tenantId()), DEDICATED_WEBHOOK_CREDENTIAL);
        return field(SecretPath.tenantVapiWebhook(tenant.tenantId()), "credential_id")
            .flatMap(own -> own.isPresent() ? Mono.just(own) : legacy);
    }

    private Mono<Optional<String>> field(SecretPath path, String name) {
        return this.secrets.read(path)
            .map(secret -> Optional.ofNullable(secret.field(name)).filter(id -> !id.isBlank()))
            .defaultIfEmpty(Optional.empty());
    }

    private Mono<Body> rewrite(TenantContext tenant, CatalogEntry entry, byte[] bytes, @Nullable String credentialId) {
        ObjectNode json = (bytes.length == 0) ? JsonNodeFactory.instance.objectNode()
                : StrictJson.readRequest(bytes);
        RequestBodyWalker.Walk walk = this.walker.walk(entry, json, this.webhooks.tenantUrl(UPSTREAM, tenant.tenantId()),
                credentialId);
        for (RequestBodyWalker.ReplacedUrl url : walk.webhookUrls()) {
            String refusal = this.relayTargets.refusal(url.url());
            if (refusal != null) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "Field '" + url.field() + "' " + refusal
                        + ": webhooks are never relayed to internal networks").withExtension("field", url.field());
            }
        }
        return Flux.fromIterable(walk.references())
            .concatMap(reference -> resolve(tenant.tenantId(), reference.type(), reference.value(), reference.field())
                .map(id -> (Runnable) () -> reference.replace().accept(id))
                .onErrorResume(GatewayException.class, ex -> reference.fallback()
                        ? Mono.just(() -> reference.replace().accept(null)) : Mono.error(ex)))
            .collectList()
            .map(replacements -> {
                replacements.forEach(Runnable::run);
                return new Body(StrictJson.write(json), walk.originalUrls());
            });
    }

    private ServerWebExchange forward(ServerWebExchange exchange, TenantContext tenant, CatalogMatch match, Query query,
            Body body, @Nullable String alias) {
        ServerHttpRequest request = exchange.getRequest();
        URI uri = UriComponentsBuilder.fromUri(request.getURI())
            .replacePath(PREFIX + match.entry().expandPath(match.pathVariables()))
            .replaceQuery(query.raw())
            .build(true)
            .toUri();
        byte[] rewritten = body.bytes();
        ServerHttpRequest mutated = request.mutate().uri(uri).headers(headers -> {
            headers.remove(GatewayHeaders.RESOURCE_ALIAS);
            // The response may have to be read (lists, created ids): ask for it uncompressed.
            headers.remove(HttpHeaders.ACCEPT_ENCODING);
            if (rewritten != null) {
                headers.remove(HttpHeaders.TRANSFER_ENCODING);
                headers.remove(HttpHeaders.CONTENT_ENCODING);
                headers.setContentLength(rewritten.length);
                headers.setContentType(MediaType.APPLICATION_JSON);
            }
        }).build();
        if (rewritten != null) {
            mutated = new ServerHttpRequestDecorator(mutated) {
                @Override
                public Flux<DataBuffer> getBody() {
                    return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(rewritten)));
                }
            };
        }
        ScopedResponse.Scope scope = new ScopedResponse.Scope(tenant.tenantId(),
                tenant.tenant().vapiMode() == VapiMode.SHARED_ORG, match, alias, body.webhookUrls(), query.trimTo(),
                query.page());
        return exchange.mutate()
            .request(mutated)
            .response(new ScopedResponse(exchange.getResponse(), scope, this.store, this.targets,
                    this.properties.maxResponseSize().toBytes(), exchange.getAttributes(), this.streamedLists,
                    this.pagedLists))
            .build();
    }

    /**
     * The rewritten query.
     * @param raw the encoded query string to forward, or {@code null} for none
     * @param trimTo how many owned items a list response keeps; -1 for no trimming
     * @param page the tenant's page of a paginated list (1 for everything else)
     */
    private record Query(@Nullable String raw, int trimTo, int page) {
    }

    /**
     * The rewritten body.
     * @param bytes the JSON to forward, or {@code null} to forward the tenant's body untouched
     * @param webhookUrls field to the tenant's own webhook URL, for every URL replaced
     */
    private record Body(byte @Nullable [] bytes, Map<String, String> webhookUrls) {

        static final Body UNCHANGED = new Body(null, Map.of());
    }
}
