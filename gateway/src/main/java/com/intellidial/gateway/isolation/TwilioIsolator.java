package com.intellidial.gateway.isolation;

import java.net.URI;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.CatalogMatch;
import com.intellidial.gateway.catalog.EndpointCatalog;
import com.intellidial.gateway.isolation.TwilioOwnership.OwnedNumber;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import com.intellidial.gateway.webhooks.RelayTargetGuard;
import com.intellidial.gateway.webhooks.WebhooksProperties;

/**
 * Isolation for {@code /twilio/2010-04-01/Accounts/{any}/...}. Every request must match an allowed
 * entry of {@code catalog/twilio.yaml} and is forwarded on its canonical path (the account segment
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

    private static final Pattern SCOPED_ACCOUNT = Pattern.compile("^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EndpointCatalog catalog = EndpointCatalog.forUpstream("twilio");

    private final TwilioOwnership ownership;

    private final WebhooksProperties webhooks;

    private final RelayTargetGuard relayTargets;

    TwilioIsolator(TwilioOwnership ownership, WebhooksProperties webhooks, RelayTargetGuard relayTargets) {
        this.ownership = ownership;
        this.webhooks = webhooks;
        this.relayTargets = relayTargets;
    }

    @Override
    public String upstream() {
        return "twilio";
    }

    @Override
    public Mono<ServerWebExchange> isolate(ServerWebExchange exchange, TenantContext tenant) {
        return Mono.defer(() -> {
            TelephonyMode mode = tenant.tenant().telephonyMode();
            CatalogMatch match = match(exchange.getRequest());
            if (mode == TelephonyMode.VAPI_NUMBER) {
                return Mono.error(new GatewayException(ProblemType.FORBIDDEN,
                        "Twilio is not enabled for this tenant (telephony mode vapi-number)"));
            }
            boolean pool = mode == TelephonyMode.SHARED_POOL;
            if (pool && !SHARED_POOL_ALLOWED.contains(match.entry().id())) {
                return Mono.error(notFound("This operation is not available on the shared number pool"));
            }
            exchange.getAttributes().put(GatewayAttributes.CATALOG_MATCH, match);
            Scope scope = new Scope(tenant.tenantId(), match.entry(), pool);
            Mono<Scope> loaded = pool ? this.ownership.numbers(tenant.tenantId()).map(scope::withNumbers) : Mono.just(scope);
            return loaded.flatMap((ready) -> checkPath(ready, match).thenReturn(ready))
                .flatMap((ready) -> rewriteRequest(exchange, ready, match));
        });
    }

    private CatalogMatch match(ServerHttpRequest request) {
        String raw = request.getURI().getRawPath();
        if (!raw.startsWith(PREFIX + "/")) {
            throw notFound("No such Twilio endpoint");
        }
        return this.catalog.matcher()
            .match(request.getMethod(), raw.substring(PREFIX.length()))
            .filter((found) -> found.entry().allowed())
            .orElseThrow(() -> notFound("This Twilio endpoint is not available through the gateway"));
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
            return Mono.just(decorate(exchange, scope, canonical, request, null));
        }
        return DataBufferUtils.join(request.getBody())
            .map((buffer) -> {
                try {
                    return buffer.toString(StandardCharsets.UTF_8);
                }
                finally {
                    DataBufferUtils.release(buffer);
                }
            })
            .defaultIfEmpty("")
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
            return DataBufferUtils.join(Flux.from(body))
                .map((buffer) -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty("")
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
