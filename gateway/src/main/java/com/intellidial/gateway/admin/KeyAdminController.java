package com.intellidial.gateway.admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.tenant.KeyService;
import com.intellidial.gateway.tenant.TenantDetails;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * A tenant's gateway keys: issue (the secret is shown once), list (never a secret), rotate with a
 * grace period (default 24 h, at most 7 days, {@code 0} revokes the old key at once) and revoke.
 * Revocation, rotation and the end of a grace period reach every instance within a second.
 */
@RestController
class KeyAdminController {

    private static final Pattern LABEL = Pattern.compile("[^\\p{Cntrl}]{1,200}");

    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,32}");

    private final TenantRepository tenants;

    private final KeyService keys;

    KeyAdminController(TenantRepository tenants, KeyService keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/keys")
    Mono<ResponseEntity<Map<String, Object>>> issue(@PathVariable String tenantId,
            @RequestBody(required = false) @Nullable JsonNode body) {
        return active(tenantId).flatMap(tenant -> {
            Input input = Input.of(body, "label", "expiresAt");
            return this.keys.issue(tenantId, input.text("label", LABEL, "must be 1 to 200 printable characters"),
                    TenantAdminController.expiry(input));
        }).map(issued -> ResponseEntity.status(HttpStatus.CREATED).body(issuedView(issued)));
    }

    @GetMapping("/admin/v1/tenants/{tenantId}/keys")
    Mono<Map<String, Object>> list(@PathVariable String tenantId) {
        return existing(tenantId).flatMap(tenant -> this.keys.list(tenantId)).map(keys -> Map.of("items", keys));
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/keys/{keyId}/rotate")
    Mono<ResponseEntity<Map<String, Object>>> rotate(@PathVariable String tenantId, @PathVariable String keyId,
            @RequestBody(required = false) @Nullable JsonNode body) {
        return active(tenantId).flatMap(tenant -> {
            Input input = Input.of(body, "gracePeriodSeconds");
            Integer seconds = input.integer("gracePeriodSeconds", 0, (int) KeyService.MAX_GRACE.toSeconds());
            Duration grace = (seconds != null) ? Duration.ofSeconds(seconds) : KeyService.DEFAULT_GRACE;
            return validKeyId(keyId).then(this.keys.rotate(tenantId, keyId, grace))
                .switchIfEmpty(Mono.error(() -> noSuchKey()));
        }).map(issued -> ResponseEntity.status(HttpStatus.CREATED).body(issuedView(issued)));
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/keys/{keyId}/revoke")
    Mono<KeyService.KeyInfo> revoke(@PathVariable String tenantId, @PathVariable String keyId) {
        return existing(tenantId).then(validKeyId(keyId))
            .then(this.keys.revoke(tenantId, keyId))
            .flatMap(revoked -> revoked ? this.keys.find(tenantId, keyId) : Mono.error(noSuchKey()));
    }

    private static Map<String, Object> issuedView(KeyService.IssuedKey issued) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", issued.key());
        view.put("secret", issued.secret());
        view.put("note", "The secret is shown once and never again; store it now.");
        return view;
    }

    private static Mono<Void> validKeyId(String keyId) {
        return KEY_ID.matcher(keyId).matches() ? Mono.empty() : Mono.error(noSuchKey());
    }

    private Mono<TenantDetails> existing(String tenantId) {
        return TenantLookup.details(this.tenants, tenantId);
    }

    private Mono<TenantDetails> active(String tenantId) {
        return existing(tenantId).flatMap(tenant -> tenant.status().equals("offboarded")
                ? Mono.error(new GatewayException(ProblemType.CONFLICT, "The tenant was offboarded; it gets no new keys"))
                : Mono.just(tenant));
    }

    private static GatewayException noSuchKey() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such key for this tenant");
    }
}
