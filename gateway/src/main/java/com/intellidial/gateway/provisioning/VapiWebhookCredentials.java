package com.intellidial.gateway.provisioning;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.credentials.SecretWriter;
import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * A tenant's own VAPI webhook credential: an HMAC-SHA256 {@code webhook} credential created in the
 * VAPI org the tenant's resources live in (the platform's for shared-org tenants, its own for
 * dedicated-org ones, with the key the gateway uses for that tenant), its secret and id kept at
 * {@code tenants/{id}/vapi-webhook}. The isolation layer names it as {@code server.credentialId}
 * next to every webhook URL it writes for the tenant, and the webhook endpoint checks the tenant's
 * messages against it only, so one leaked secret opens one tenant's webhook, and a captured
 * message replays only within the signature's clock-skew window.
 */
@Service
public class VapiWebhookCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CredentialResolver credentials;

    private final SecretStore secrets;

    private final SecretWriter writer;

    private final CredentialRefresher refresher;

    private final Upstream vapi;

    private final WebClient web = WebClient.builder().build();

    VapiWebhookCredentials(CredentialResolver credentials, SecretStore secrets, SecretWriter writer,
            CredentialRefresher refresher, Upstreams upstreams) {
        this.credentials = credentials;
        this.secrets = secrets;
        this.writer = writer;
        this.refresher = refresher;
        this.vapi = upstreams.require("vapi");
    }

    /** The id of the tenant's own credential; empty when it has none. */
    public Mono<String> credentialId(String tenantId) {
        return this.secrets.read(SecretPath.tenantVapiWebhook(tenantId))
            .mapNotNull(secret -> secret.field("credential_id"));
    }

    /**
     * Creates the tenant's credential in VAPI and stores its secret; 409 when it already has one.
     * @return the VAPI credential id
     */
    public Mono<String> create(Tenant tenant) {
        return credentialId(tenant.id())
            .flatMap(existing -> Mono.<String>error(new GatewayException(ProblemType.CONFLICT,
                    "This tenant already has its own VAPI webhook credential (" + existing + ")")))
            .switchIfEmpty(Mono.defer(() -> createInVapi(tenant)));
    }

    private Mono<String> createInVapi(Tenant tenant) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("type", "hmac");
        plan.put("secretKey", secret);
        plan.put("algorithm", "sha256");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", "webhook");
        body.put("name", "intellidial " + tenant.id());
        body.put("authenticationPlan", plan);
        return this.credentials.resolve(tenant, this.vapi)
            .flatMap(credential -> this.web.post()
                .uri(this.vapi.baseUri().resolve("/credential"))
                .header("Authorization", credential.authorization())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(JsonNode.class))
            .map(created -> created.path("id").asString(""))
            .filter(id -> !id.isEmpty())
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "VAPI did not return the created webhook credential")))
            .onErrorMap(WebClientResponseException.class, ex -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "VAPI refused the webhook credential (" + ex.getStatusCode().value() + ")", ex))
            .flatMap(id -> {
                SecretPath path = SecretPath.tenantVapiWebhook(tenant.id());
                return this.writer.write(path, Map.of("hmac_secret", secret, "credential_id", id))
                    .then(this.refresher.refresh(path))
                    .thenReturn(id);
            });
    }

    /** Deletes the credential from VAPI (undoing an onboarding, offboarding); a missing one is fine. */
    public Mono<Void> delete(Tenant tenant, String credentialId) {
        return this.credentials.resolve(tenant, this.vapi)
            .flatMap(credential -> this.web.delete()
                .uri(this.vapi.baseUri().resolve("/credential/" + credentialId))
                .header("Authorization", credential.authorization())
                .retrieve()
                .toBodilessEntity())
            .onErrorResume(WebClientResponseException.class,
                    ex -> (ex.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) ? Mono.empty() : Mono.error(
                            new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "VAPI refused to delete the credential", ex)))
            .then();
    }
}
