package com.intellidial.gateway.admin;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretWriter;
import com.intellidial.gateway.provisioning.VapiWebhookCredentials;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Upstream credentials of a tenant, write-only: a dedicated org's VAPI key, the tenant's own VAPI
 * webhook credential and the tenant's webhook signing secret (Twilio credentials: {@code PUT /admin/v1/tenants/{id}/twilio}, checked against
 * Twilio first). Every write is followed by the cache refresh on every instance; nothing written is
 * ever read back through the API, except a newly generated signing secret, once.
 */
@RestController
class CredentialAdminController {

    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{8,256}");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantRepository tenants;

    private final SecretWriter writer;

    private final CredentialRefresher refresher;

    private final VapiWebhookCredentials webhookCredentials;

    CredentialAdminController(TenantRepository tenants, SecretWriter writer, CredentialRefresher refresher,
            VapiWebhookCredentials webhookCredentials) {
        this.tenants = tenants;
        this.writer = writer;
        this.refresher = refresher;
        this.webhookCredentials = webhookCredentials;
    }

    /**
     * Gives a tenant set up before per-tenant credentials its own VAPI webhook credential (409 when it
     * has one). From then on its webhook accepts only that credential: assistants and numbers created
     * or updated afterwards name it; older ones still name the platform's and must be updated
     * ({@code PATCH} their {@code server}) for their messages to be accepted.
     */
    @PostMapping("/admin/v1/tenants/{tenantId}/credentials/vapi-webhook")
    Mono<Map<String, Object>> vapiWebhook(@PathVariable String tenantId) {
        return tenant(tenantId).flatMap(this.webhookCredentials::create).map(credentialId -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("tenantId", tenantId);
            view.put("credential", "vapi-webhook");
            view.put("credentialId", credentialId);
            view.put("status", "created");
            return view;
        });
    }

    @PutMapping("/admin/v1/tenants/{tenantId}/credentials/vapi")
    Mono<Map<String, Object>> vapi(@PathVariable String tenantId, @RequestBody(required = false) @Nullable JsonNode body) {
        return tenant(tenantId).flatMap(tenant -> {
            if (tenant.vapiMode() != VapiMode.DEDICATED_ORG) {
                return Mono.error(new GatewayException(ProblemType.CONFLICT,
                        "Only dedicated-org tenants have a VAPI key of their own; shared-org tenants use the platform's"));
            }
            Input input = Input.of(body, "apiKey", "webhookCredentialId");
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("api_key", input.requiredText("apiKey", SECRET, "must be 8 to 256 printable characters"));
            String credentialId = input.text("webhookCredentialId", ID, "must be a VAPI credential id");
            if (credentialId != null) {
                fields.put("webhook_credential_id", credentialId);
            }
            return write(SecretPath.tenantVapi(tenantId), fields).map(version -> written(tenantId, "vapi", version));
        });
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/credentials/webhook/rotate")
    Mono<Map<String, Object>> rotateWebhookSecret(@PathVariable String tenantId) {
        return tenant(tenantId).flatMap(tenant -> {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String secret = "whsec_" + HexFormat.of().formatHex(bytes);
            return write(SecretPath.tenantWebhook(tenantId), Map.of("signing_secret", secret)).map(version -> {
                Map<String, Object> view = written(tenantId, "webhook", version);
                view.put("signingSecret", secret);
                view.put("note", "Relays are signed with this secret from now on; it is shown once.");
                return view;
            });
        });
    }

    private Mono<Long> write(SecretPath path, Map<String, String> fields) {
        return this.writer.write(path, fields).flatMap(version -> this.refresher.refresh(path).thenReturn(version));
    }

    private static Map<String, Object> written(String tenantId, String credential, long version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenantId", tenantId);
        view.put("credential", credential);
        view.put("version", version);
        view.put("status", "stored");
        return view;
    }

    private Mono<Tenant> tenant(String tenantId) {
        return TenantLookup.tenant(this.tenants, tenantId);
    }
}
