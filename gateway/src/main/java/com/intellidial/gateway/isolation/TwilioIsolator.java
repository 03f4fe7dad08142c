package com.intellidial.gateway.isolation;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.CatalogMatch;
import com.intellidial.gateway.catalog.CatalogMatchGlobalFilter;
import com.intellidial.gateway.isolation.TwilioOwnership.OwnedNumber;
import com.intellidial.gateway.routing.LimitsProperties;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import com.intellidial.gateway.callbacks.RelayTargetGuard;
import com.intellidial.gateway.callbacks.WebhooksProperties;

/**
 * Isolation for {@code /twilio/2010-04-01/Accounts/{any}/...}. Every request has matched an allowed
 * entry of {@code catalog/twilio.yaml} ({@link CatalogMatchGlobalFilter}) and is forwarded on its canonical path (the account segment
 * is then replaced by the tenant's account when the credential is attached). Calls get the
 * gateway's webhook as {@code StatusCallback}, the tenant's own URL is kept for the relay.
 * <p>
 * Tenants of the shared platform account (telephony mode {@code shared-pool}) are isolated here,
 * not by Twilio: only a subset of operations is open to them; {@code From}, {@code PhoneNumberSid}
 * and number SIDs in the path must be numbers they own; call SIDs must be calls they placed; lists
 * show only their own numbers, calls, messages and recordings; and the platform Account SID is
 * replaced by a per-tenant stand-in in every response ({@link TwilioOwnership#poolAccountSid}).
 * Anything not owned is 404 and never forwarded.
 */
@Component
class TwilioIsolator implements UpstreamIsolator {

    static final String PREFIX = "/twilio";

    private static final Logger log = LoggerFactory.getLogger(TwilioIsolator.class);

    /** The operations open to tenants of the shared platform account. */
    private static final Set<String> SHARED_POOL_ALLOWED = Set.of("twilio.call.create", "twilio.call.list",
            "twilio.call.fetch", "twilio.call.update", "twilio.recording.call-list", "twilio.recording.call-create",
            "twilio.recording.call-fetch", "twilio.recording.call-update", "twilio.recording.list",
            "twilio.recording.fetch", "twilio.incoming-phone-number.list", "twilio.incoming-phone-number.fetch",
            "twilio.incoming-phone-number.update", "twilio.incoming-phone-number.delete",
            "twilio.available-phone-number.countries", "twilio.available-phone-number.country",
            "twilio.available-phone-number.search-local", "twilio.available-phone-number.search-mobile",
            "twilio.available-phone-number.search-toll-free", "twilio.message.create", "twilio.message.list");

    /** Fields no tenant may set: {@code AccountSid} moves a number to another account. */
    private static final Set<String> FORBIDDEN_FIELDS = Set.of("AccountSid");

    /** Fields that name platform-account resources (apps, trunks, services, addresses) in the shared pool. */
    private static final Set<String> SHARED_POOL_FORBIDDEN_FIELDS = Set.of("ApplicationSid", "VoiceApplicationSid",
            "SmsApplicationSid", "TrunkSid", "MessagingServiceSid", "IdentitySid", "AddressSid", "BundleSid",
            "EmergencyAddressSid");

    /** The shared-pool lists, by catalog entry, to the key their items are under. */
    private static final Map<String, String> POOL_LIST_KEYS = Map.of("twilio.incoming-phone-number.list",
            "incoming_phone_numbers", "twilio.message.list", "messages", "twilio.call.list", "calls",
            "twilio.recording.list", "recordings", "twilio.recording.call-list", "recordings");

    private static final Pattern SCOPED_ACCOUNT = Pattern.compile("^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TwilioOwnership ownership;

    private final WebhooksProperties webhooks;

    private final RelayTargetGuard relayTargets;

    private final int maxBodyBytes;

    private final int maxResponseBytes;

    TwilioIsolator(TwilioOwnership ownership, WebhooksProperties webhooks, RelayTargetGuard relayTargets,
            LimitsProperties limits, IsolationProperties isolation) {
        this.ownership = ownership;
        this.webhooks = webhooks;
        this.relayTargets = relayTargets;
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, limits.maxBodySize().toBytes());
        this.maxResponseBytes = (int) Math.min(Integer.MAX_VALUE, isolation.maxResponseSize().toBytes());
    }

    @Override
    public String upstream() {
        return "twilio";
    }

    @Override
    public Mono<ServerWebExchange> isolate(ServerWebExchange exchange, TenantContext tenant) {
        return Mono.defer(() -> {
            TelephonyMode mode = tenant.tenant().telephonyMode();
            CatalogMatch match = CatalogMatchGlobalFilter.require(exchange);
            if (mode == TelephonyMode.VAPI_NUMBER) {
                return Mono.error(new GatewayException(ProblemType.FORBIDDEN,
                        "Twilio is not enabled for this tenant (telephony mode vapi-number)"));
            }
            boolean pool = mode == TelephonyMode.SHARED_POOL;
            if (pool && !SHARED_POOL_ALLOWED.contains(match.entry().id())) {
                return Mono.error(notFound("This operation is not available on the shared number pool"));
            }
            Scope scope = new Scope(tenant.tenantId(), match.entry(), pool);
            Mono<Scope> loaded = pool ? this.ownership.numbers(tenant.tenantId()).map(scope::withNumbers) : Mono.just(scope);
            return loaded.flatMap((ready) -> checkPath(ready, match).thenReturn(ready))
                .flatMap((ready) -> rewriteRequest(exchange, ready, match));
        });
    }

    /** Shared pool: number and call SIDs in the path must be the tenant's. */
    private Mono<Void> checkPath(Scope scope, CatalogMatch match) {
        if (!scope.pool) {
            return Mono.empty();
        }
        Map<String, String> types = match.entry().pathParams();
        List<String> calls = new ArrayList<>();
        for (Map.Entry<String, String> variable : match.pathVariables().entrySet()) {
            String type = types.get(variable.getKey());
            if ("phone-number".equals(type) && !scope.ownsNumberSid(variable.getValue())) {
                return Mono.error(notFound("No such phone number"));
            }
            if ("call".equals(type)) {
                calls.add(variable.getValue());
            }
        }
        return this.ownership.ownedCalls(scope.tenantId, calls)
            .flatMap((owned) -> owned.size() == calls.size() ? Mono.<Void>empty() : Mono.error(notFound("No such call")));
    }

    private Mono<ServerWebExchange> rewriteRequest(ServerWebExchange exchange, Scope scope, CatalogMatch match) {
        ServerHttpRequest request = exchange.getRequest();
        if (scope.pool) {
            String numberSid = request.getQueryParams().getFirst("PhoneNumberSid");
            if (numberSid != null && !scope.ownsNumberSid(numberSid)) {
                return Mono.error(notFound("No such phone number"));
            }
        }
        String canonical = PREFIX + match.entry().expandPath(match.pathVariables());
        if (!HttpMethod.POST.equals(request.getMethod())) {
            BodylessMethods.refuseUncheckedBody(request, false);
            ServerHttpRequest source = request;
            if (scope.pool && POOL_LIST_KEYS.containsKey(scope.entry.id())) {
                scope.paging = Paging.of(request, canonical, TwilioOwnership.poolAccountSid(scope.tenantId));
                source = request.mutate().uri(scope.paging.windowUri(request.getURI())).build();
            }
            return Mono.just(decorate(exchange, scope, canonical, source, null));
        }
        return formBody(request)
            .map((body) -> {
                TwilioForm form = TwilioForm.parse(body);
                checkForm(scope, form);
                if (scope.entry.id().equals("twilio.call.create")) {
                    scope.statusCallback = form.first("StatusCallback");
                    String refusal = (scope.statusCallback != null) ? this.relayTargets.refusal(scope.statusCallback)
                            : null;
                    if (refusal != null) {
                        throw new GatewayException(ProblemType.MALFORMED_REQUEST, "StatusCallback " + refusal
                                + ": webhooks are never relayed to internal networks").withExtension("field", "StatusCallback");
                    }
                    form.set("StatusCallback", this.webhooks.url("/webhooks/twilio/" + scope.tenantId));
                    form.set("StatusCallbackMethod", "POST");
                }
                return decorate(exchange, scope, canonical, request, form.encode().getBytes(StandardCharsets.UTF_8));
            });
    }

    /**
     * The form body of a POST, read up to {@code gateway.limits.max-body-size}. Twilio's v2010
     * writes take only {@code application/x-www-form-urlencoded}: anything else (a multipart body
     * would otherwise be joined here under the larger upload cap) is 415 before a byte is read.
     */
    private Mono<String> formBody(ServerHttpRequest request) {
        MediaType type = request.getHeaders().getContentType();
        long declared = request.getHeaders().getContentLength();
        if (type != null && !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
            return Mono.error(new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Twilio requests take an application/x-www-form-urlencoded body"));
        }
        if (type == null && declared > 0) {
            return Mono.error(new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Twilio requests take an application/x-www-form-urlencoded body"));
        }
        if (declared > this.maxBodyBytes) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(request.getBody(), this.maxBodyBytes)
            .map((buffer) -> {
                try {
                    return buffer.toString(StandardCharsets.UTF_8);
                }
                finally {
                    DataBufferUtils.release(buffer);
                }
            })
            .defaultIfEmpty("")
            .onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge());
    }

    private GatewayException tooLarge() {
        return new GatewayException(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body exceeds the limit of " + this.maxBodyBytes + " bytes");
    }

    private static void checkForm(Scope scope, TwilioForm form) {
        for (String field : FORBIDDEN_FIELDS) {
            if (form.has(field)) {
                throw new GatewayException(ProblemType.FORBIDDEN, "The field " + field + " may not be set through the gateway");
            }
        }
        if (!scope.pool) {
            return;
        }
        for (String field : SHARED_POOL_FORBIDDEN_FIELDS) {
            if (form.has(field)) {
                throw new GatewayException(ProblemType.FORBIDDEN,
                        "The field " + field + " may not be set on the shared number pool");
            }
        }
        String numberSid = form.first("PhoneNumberSid");
        if (numberSid != null && !scope.ownsNumberSid(numberSid)) {
            throw notFound("No such phone number");
        }
        String id = scope.entry.id();
        if (id.equals("twilio.call.create") || id.equals("twilio.message.create")) {
            String from = form.first("From");
            if (from == null || !scope.ownsNumber(from)) {
                throw notFound("From is not one of this tenant's phone numbers");
            }
        }
    }

    private ServerWebExchange decorate(ServerWebExchange exchange, Scope scope, String canonical,
            ServerHttpRequest request, byte @Nullable [] body) {
        ServerHttpRequest rewritten = request.mutate().path(canonical).build();
        if (body != null) {
            rewritten = new ServerHttpRequestDecorator(rewritten) {

                @Override
                public HttpHeaders getHeaders() {
                    HttpHeaders headers = HttpHeaders.copyOf(super.getHeaders());
                    headers.setContentLength(body.length);
                    headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
                    return headers;
                }

                @Override
                public Flux<DataBuffer> getBody() {
                    return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
                }
            };
        }
        ServerHttpRequest finalRequest = rewritten;
        ServerWebExchange mutated = exchange.mutate().request(finalRequest).build();
        return mutated.mutate().response(new ScopedResponse(mutated, scope)).build();
    }

    private static GatewayException notFound(String detail) {
        return new GatewayException(ProblemType.NOT_FOUND, detail);
    }

    /** Per-request isolation state. */
    private static final class Scope {

        final String tenantId;

        final CatalogEntry entry;

        final boolean pool;

        final Set<String> numberSids = new HashSet<>();

        final Set<String> numbers = new HashSet<>();

        @Nullable String statusCallback;

        /** The tenant's page of a shared-pool list; {@code null} for everything else. */
        @Nullable Paging paging;

        Scope(String tenantId, CatalogEntry entry, boolean pool) {
            this.tenantId = tenantId;
            this.entry = entry;
            this.pool = pool;
        }

        Scope withNumbers(List<OwnedNumber> owned) {
            owned.forEach((number) -> {
                this.numberSids.add(number.sid());
                this.numbers.add(number.phoneNumber());
            });
            return this;
        }

        boolean ownsNumberSid(String sid) {
            return this.numberSids.contains(sid);
        }

        boolean ownsNumber(String number) {
            return this.numbers.contains(number);
        }
    }

    /**
     * A shared-pool tenant's page of a list. The platform account's pages hold every pool tenant's
     * items, so their {@code start}, {@code end}, {@code page} and page URIs (with Twilio's
     * {@code PageToken}) describe the other tenants' items too. The gateway asks Twilio for one
     * window of {@value #WINDOW} items with the tenant's filters, keeps the tenant's own, and pages
     * through those itself: every page field is minted from them, and page tokens are neither
     * forwarded nor shown.
     */
    record Paging(int page, int pageSize, String filters, String path) {

        static final int WINDOW = 1000;

        private static final Set<String> PAGING_PARAMS = Set.of("Page", "PageSize", "PageToken");

        static Paging of(ServerHttpRequest request, String canonical, String shownAccountSid) {
            int page = number(request, "Page", 0, 0, Integer.MAX_VALUE);
            int pageSize = number(request, "PageSize", 50, 1, WINDOW);
            StringBuilder filters = new StringBuilder();
            request.getQueryParams().forEach((name, values) -> {
                if (!PAGING_PARAMS.contains(name)) {
                    for (String value : values) {
                        filters.append(encode(name)).append('=').append(encode((value != null) ? value : "")).append('&');
                    }
                }
            });
            String shown = canonical.substring(PREFIX.length())
                .replaceFirst("^/2010-04-01/Accounts/[^/]+/", "/2010-04-01/Accounts/" + shownAccountSid + "/");
            return new Paging(page, pageSize, filters.toString(), shown);
        }

        /** The request sent to Twilio: the tenant's filters, the first window, no page token. */
        URI windowUri(URI original) {
            return UriComponentsBuilder.fromUri(original)
                .replaceQuery(this.filters + "PageSize=" + WINDOW + "&Page=0")
                .build(true)
                .toUri();
        }

        /** Replaces the items with the tenant's page of them and every page field with one of the tenant's own. */
        void apply(ObjectNode body, String key, ArrayNode owned) {
            long start = (long) this.page * this.pageSize;
            int from = (int) Math.min(start, owned.size());
            int to = (int) Math.min(start + this.pageSize, owned.size());
            ArrayNode items = body.arrayNode();
            for (int i = from; i < to; i++) {
                items.add(owned.get(i));
            }
            body.removeAll();
            body.set(key, items);
            body.put("first_page_uri", uri(0));
            body.put("end", Math.max(start, start + (to - from) - 1));
            if (this.page > 0) {
                body.put("previous_page_uri", uri(this.page - 1));
            }
            else {
                body.putNull("previous_page_uri");
            }
            body.put("uri", uri(this.page));
            body.put("page_size", this.pageSize);
            body.put("start", start);
            if (to < owned.size()) {
                body.put("next_page_uri", uri(this.page + 1));
            }
            else {
                body.putNull("next_page_uri");
            }
            body.put("page", this.page);
        }

        private String uri(int page) {
            return this.path + "?" + this.filters + "PageSize=" + this.pageSize + "&Page=" + page;
        }

        private static int number(ServerHttpRequest request, String name, int defaultValue, int min, int max) {
            String value = request.getQueryParams().getFirst(name);
            if (value == null || value.isEmpty()) {
                return defaultValue;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            }
            catch (NumberFormatException ex) {
                // reported below
            }
            throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                    "Query parameter '" + name + "' must be a number from " + min + " to " + max).withExtension("field", name);
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    /**
     * Buffers the upstream's JSON answer to scope it: hides the platform Account SID (shared pool),
     * filters lists to owned items, refuses fetched items the tenant does not own, and records calls
     * the tenant placed.
     */
    private final class ScopedResponse extends ServerHttpResponseDecorator {

        private final ServerWebExchange exchange;

        private final Scope scope;

        ScopedResponse(ServerWebExchange exchange, Scope scope) {
            super(exchange.getResponse());
            this.exchange = exchange;
            this.scope = scope;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            ServerHttpResponse delegate = getDelegate();
            // Bounded like VAPI answers: a shared-pool list window must not grow the heap without limit.
            return DataBufferUtils.join(Flux.from(body), maxResponseBytes)
                .map((buffer) -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty("")
                .onErrorMap(DataBufferLimitException.class, (ex) -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                        "The Twilio response is larger than the gateway can scope (" + maxResponseBytes + " bytes)"))
                .flatMap(this::scoped)
                .flatMap((text) -> {
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    if (delegate.getHeaders().getContentLength() >= 0 || !text.isEmpty()) {
                        delegate.getHeaders().setContentLength(bytes.length);
                    }
                    return delegate.writeWith(Mono.just(delegate.bufferFactory().wrap(bytes)));
                });
        }

        private Mono<String> scoped(String text) {
            String realSid = realAccountSid();
            String shown = text;
            if (this.scope.pool && realSid != null) {
                shown = shown.replace(realSid, TwilioOwnership.poolAccountSid(this.scope.tenantId));
            }
            HttpStatusCode status = getDelegate().getStatusCode();
            boolean success = status != null && status.is2xxSuccessful();
            if (!success || shown.isEmpty()) {
                if (success && this.scope.pool && this.scope.entry.id().equals("twilio.incoming-phone-number.delete")) {
                    CatalogMatch match = GatewayAttributes.get(this.exchange, GatewayAttributes.CATALOG_MATCH, CatalogMatch.class);
                    String sid = (match != null) ? match.pathVariables().get("Sid") : null;
                    return (sid != null) ? ownership.removeNumber(this.scope.tenantId, sid).thenReturn(shown) : Mono.just(shown);
                }
                return Mono.just(shown);
            }
            JsonNode json;
            try {
                json = JSON.readTree(shown);
            }
            catch (RuntimeException ex) {
                log.debug("Twilio answered {} with a body that is not JSON", this.scope.entry.id());
                return Mono.just(this.scope.pool ? "" : shown);
            }
            if (!(json instanceof ObjectNode object)) {
                return Mono.just(shown);
            }
            String original = shown;
            return scopeObject(object).map((changed) -> changed ? JSON.writeValueAsString(object) : original);
        }

        /** Scopes the JSON answer in place; emits whether it changed it, or errors with 404. */
        private Mono<Boolean> scopeObject(ObjectNode object) {
            String id = this.scope.entry.id();
            if (id.equals("twilio.call.create")) {
                String callSid = object.path("sid").asString("");
                return callSid.isEmpty() ? Mono.just(false)
                        : ownership.addCall(this.scope.tenantId, callSid, this.scope.statusCallback).thenReturn(false);
            }
            if (!this.scope.pool) {
                return Mono.just(false);
            }
            return pooledList(object, id).map((changed) -> {
                Paging paging = this.scope.paging;
                String key = POOL_LIST_KEYS.get(id);
                if (paging != null && key != null && object.get(key) instanceof ArrayNode items) {
                    paging.apply(object, key, items);
                    return true;
                }
                return changed;
            });
        }

        private Mono<Boolean> pooledList(ObjectNode object, String id) {
            return switch (id) {
                case "twilio.incoming-phone-number.list" ->
                    Mono.just(filter(object, "incoming_phone_numbers", (item) -> this.scope.ownsNumberSid(text(item, "sid"))));
                case "twilio.message.list" -> Mono.just(filter(object, "messages", this::touchesOwnedNumber));
                case "twilio.call.list" -> ownedCalls(object, "calls", "sid").map((owned) -> filter(object, "calls",
                        (item) -> owned.contains(text(item, "sid")) || touchesOwnedNumber(item)));
                case "twilio.recording.list", "twilio.recording.call-list" -> ownedCalls(object, "recordings", "call_sid")
                    .map((owned) -> filter(object, "recordings", (item) -> owned.contains(text(item, "call_sid"))));
                case "twilio.recording.fetch" -> ownership
                    .ownedCalls(this.scope.tenantId, List.of(text(object, "call_sid")))
                    .flatMap((owned) -> owned.isEmpty() ? Mono.error(notFound("No such recording")) : Mono.just(false));
                default -> Mono.just(false);
            };
        }

        private Mono<Set<String>> ownedCalls(ObjectNode page, String key, String field) {
            List<String> sids = new ArrayList<>();
            page.path(key).forEach((item) -> sids.add(text(item, field)));
            return ownership.ownedCalls(this.scope.tenantId, sids).map(Set::copyOf);
        }

        private boolean touchesOwnedNumber(JsonNode item) {
            return this.scope.ownsNumber(text(item, "from")) || this.scope.ownsNumber(text(item, "to"));
        }

        private static boolean filter(ObjectNode page, String key, Predicate<JsonNode> keep) {
            if (!(page.get(key) instanceof ArrayNode items)) {
                return false;
            }
            ArrayNode kept = page.arrayNode();
            items.forEach((item) -> {
                if (keep.test(item)) {
                    kept.add(item);
                }
            });
            page.set(key, kept);
            return true;
        }

        private static String text(JsonNode node, String field) {
            return node.path(field).asString("");
        }

        /** The account the request was finally sent to (set by the credential filter). */
        private @Nullable String realAccountSid() {
            URI target = this.exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
            if (target == null) {
                return null;
            }
            Matcher matcher = SCOPED_ACCOUNT.matcher(target.getRawPath());
            return matcher.find() ? matcher.group(1) : null;
        }
    }
}
