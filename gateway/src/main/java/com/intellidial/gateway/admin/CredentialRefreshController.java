package com.intellidial.gateway.admin;

import java.util.Map;
import java.util.function.Function;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * {@code POST /admin/v1/tenants/{id}/credentials/{upstream}/refresh}: after an admin wrote a new
 * credential version to Vault, evicts the cached one on every gateway instance so the next request
 * reads the new version.
 */
@RestController
class CredentialRefreshController {

    private static final Map<String, Function<String, SecretPath>> UPSTREAMS = Map.of("vapi", SecretPath::tenantVapi,
            "twilio", SecretPath::tenantTwilio, "webhook", SecretPath::tenantWebhook);

    private final CredentialRefresher refresher;

    private final TenantRepository tenants;

    CredentialRefreshController(CredentialRefresher refresher, TenantRepository tenants) {
        this.refresher = refresher;
        this.tenants = tenants;
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/credentials/{upstream}/refresh")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Map<String, String>> refresh(@PathVariable String tenantId, @PathVariable String upstream) {
        return Mono.fromCallable(() -> {
            Function<String, SecretPath> pathOf = UPSTREAMS.get(upstream);
            if (pathOf == null) {
                throw new GatewayException(ProblemType.NOT_FOUND, "Unknown upstream; expected vapi, twilio or webhook.");
            }
            if (!Tenant.ID_PATTERN.matcher(tenantId).matches()) {
                throw noSuchTenant();
            }
            return pathOf;
        })
            .flatMap(pathOf -> this.tenants.findTenant(tenantId)
                .switchIfEmpty(Mono.error(CredentialRefreshController::noSuchTenant))
                .map(tenant -> pathOf.apply(tenant.id())))
            .flatMap(path -> this.refresher.refresh(path)
                .thenReturn(Map.of("tenantId", tenantId, "upstream", upstream, "status", "evicted")));
    }

    private static GatewayException noSuchTenant() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such tenant.");
    }
}
