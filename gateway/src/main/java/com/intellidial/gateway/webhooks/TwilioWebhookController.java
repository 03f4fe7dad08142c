package com.intellidial.gateway.webhooks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.twilio.security.RequestValidator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.isolation.TwilioOwnership;
import com.intellidial.gateway.isolation.TwilioOwnership.PlacedCall;
import com.intellidial.gateway.metering.TwilioCallUsage;
import com.intellidial.gateway.metering.UsageSink;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantDirectory;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.web.ProblemType;

/**
 * {@code POST /webhooks/twilio/{tenantId}}: Twilio call status callbacks. The signature is checked
 * with twilio-java's {@link RequestValidator} over the public URL, keyed by the auth token of the
 * account the tenant's calls run on (its subaccount or own account, or the platform account for the
 * shared pool); a bad one is 403. Callbacks are at-least-once and unordered: each
 * {@code (CallSid, SequenceNumber)} is processed once (usage emitted for terminal statuses, relayed
 * to the tenant's own StatusCallback) and a redelivery is acknowledged without effect.
 */
@RestController
class TwilioWebhookController {

    private static final Logger log = LoggerFactory.getLogger(TwilioWebhookController.class);


    private final TenantDirectory tenants;

    private final SecretStore secrets;

    private final TwilioOwnership ownership;

    private final TwilioStatusEvents events;

    private final UsageSink usage;

    private final TenantRelay relay;

    private final WebhooksProperties properties;

    TwilioWebhookController(TenantDirectory tenants, SecretStore secrets, TwilioOwnership ownership,
            TwilioStatusEvents events, UsageSink usage, TenantRelay relay, WebhooksProperties properties) {
        this.tenants = tenants;
        this.secrets = secrets;
        this.ownership = ownership;
        this.events = events;
        this.usage = usage;
        this.relay = relay;
        this.properties = properties;
    }

    @PostMapping(path = "/webhooks/twilio/{tenantId}", consumes = "application/x-www-form-urlencoded")
    Mono<ResponseEntity<Void>> statusCallback(@PathVariable String tenantId, ServerWebExchange exchange) {
        // Who is not a Twilio tenant gets the answer a bad signature gets: the URL tells nobody which tenants exist.
        if (!Tenant.ID_PATTERN.matcher(tenantId).matches()) {
            return Mono.error(forbidden());
        }
        return this.tenants.find(tenantId)
            .filter((tenant) -> tenant.telephonyMode() != TelephonyMode.VAPI_NUMBER)
            .switchIfEmpty(Mono.error(() -> forbidden()))
            .zipWith(exchange.getFormData())
            .flatMap((both) -> verified(both.getT1(), exchange.getRequest(), both.getT2()))
            .flatMap((callback) -> process(callback, GatewayAttributes.requestId(exchange)))
            .thenReturn(ResponseEntity.noContent().build());
    }

    /** Checks the signature; emits the callback or a 403. */
    private Mono<Callback> verified(Tenant tenant, ServerHttpRequest request, MultiValueMap<String, String> form) {
        boolean pool = tenant.telephonyMode() == TelephonyMode.SHARED_POOL;
        SecretPath path = pool ? SecretPath.platformTwilio() : SecretPath.tenantTwilio(tenant.id());
        String signature = request.getHeaders().getFirst(GatewayHeaders.TWILIO_SIGNATURE);
        Map<String, String> params = new LinkedHashMap<>();
        form.forEach((name, values) -> params.put(name, values.isEmpty() ? "" : values.get(0)));
        return this.secrets.read(path)
            .switchIfEmpty(Mono.error(() -> forbidden()))
            .flatMap((secret) -> {
                if (signature == null || !signedBy(secret, params, request, signature)) {
                    log.debug("Rejected a Twilio webhook for tenant {}: bad signature", tenant.id());
                    return Mono.error(forbidden());
                }
                String callSid = params.get("CallSid");
                String status = params.get("CallStatus");
                Integer sequence = sequence(params.get("SequenceNumber"));
                if (callSid == null || status == null || sequence == null) {
                    return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST,
                            "CallSid, CallStatus and SequenceNumber are required"));
                }
                return Mono.just(new Callback(tenant, pool, callSid, status, sequence, form,
                        secret.field("account_sid")));
            });
    }

    /** A subaccount signs with its own token, so the token is the one of the account in the callback. */
    private boolean signedBy(Secret secret, Map<String, String> params, ServerHttpRequest request, String signature) {
        String accountSid = secret.field("account_sid");
        String token = secret.field("auth_token");
        if (token == null || accountSid == null || !accountSid.equals(params.get("AccountSid"))) {
            return false;
        }
        String query = request.getURI().getRawQuery();
        String url = this.properties.url(request.getURI().getRawPath()) + ((query != null) ? "?" + query : "");
        return new RequestValidator(token).validate(url, params, signature);
    }

    private Mono<Void> process(Callback callback, String requestId) {
        String tenantId = callback.tenant.id();
        Mono<PlacedCall> call = this.ownership.call(tenantId, callback.callSid);
        if (callback.pool) {
            // The platform account carries every pool tenant: only calls this tenant placed count.
            call = call.switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.NOT_FOUND, "No such call")));
        }
        return call.map(PlacedCall::statusCallback)
            .defaultIfEmpty("")
            .flatMap((target) -> this.events.firstDelivery(tenantId, callback.callSid, callback.sequence, callback.status)
                .doOnNext((first) -> {
                    if (!first) {
                        log.debug("Ignoring a redelivered status callback {}:{}", callback.callSid, callback.sequence);
                        return;
                    }
                    if (TwilioCallUsage.FINAL_STATUSES.contains(callback.status)) {
                        String account = callback.form.getFirst("AccountSid");
                        this.usage.record(new TwilioCallUsage(callback.callSid, (account != null) ? account : "",
                                tenantId, callback.status, duration(callback.form.getFirst("CallDuration")), null,
                                callback.sequence, occurredAt(callback.form.getFirst("Timestamp"))));
                    }
                    if (!target.isEmpty()) {
                        this.relay.relayForm(tenantId, target, relayBody(callback), requestId);
                    }
                }))
            .then();
    }

    /** The form as received; in the shared pool with the platform Account SID replaced by the tenant's stand-in. */
    private static byte[] relayBody(Callback callback) {
        StringJoiner body = new StringJoiner("&");
        String hidden = callback.pool ? callback.accountSid : null;
        String shown = TwilioOwnership.poolAccountSid(callback.tenant.id());
        callback.form.forEach((name, values) -> {
            for (String value : values) {
                String relayed = (hidden != null) ? value.replace(hidden, shown) : value;
                body.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(relayed, StandardCharsets.UTF_8));
            }
        });
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable Integer sequence(@Nullable String value) {
        try {
            return (value != null) ? Integer.valueOf(value) : null;
        }
        catch (NumberFormatException ex) {
            return null;
        }
    }

    private static long duration(@Nullable String value) {
        try {
            return (value != null) ? Math.max(0, Long.parseLong(value)) : 0;
        }
        catch (NumberFormatException ex) {
            return 0;
        }
    }

    private static Instant occurredAt(@Nullable String timestamp) {
        try {
            return (timestamp != null) ? ZonedDateTime.parse(timestamp, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                    : Instant.now();
        }
        catch (DateTimeParseException ex) {
            return Instant.now();
        }
    }

    private static GatewayException forbidden() {
        return new GatewayException(ProblemType.FORBIDDEN, "The X-Twilio-Signature is missing or invalid");
    }

    /** A verified status callback. */
    private record Callback(Tenant tenant, boolean pool, String callSid, String status, int sequence,
            MultiValueMap<String, String> form, @Nullable String accountSid) {
    }
}
