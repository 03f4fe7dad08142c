package com.intellidial.gateway.admin;

import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.EndpointCatalogs;
import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * {@code POST /admin/v1/tenants/{id}/resources}: assigns a VAPI resource made outside the gateway
 * (in the VAPI dashboard, before the client was signed) to a tenant. It must exist upstream, seen
 * with the tenant's own credential (so a dedicated-org tenant gets only what is in its org), and
 * no other tenant may own it; the answer never tells which tenant does.
 */
@RestController
class ResourceAdminController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private static final String VAPI = "vapi";

    private final TenantRepository tenants;

    private final EndpointCatalogs catalogs;

    private final CredentialResolver credentials;

    private final OwnershipStore ownership;

    private final Upstream vapi;

    private final WebClient web = WebClient.builder().build();

    ResourceAdminController(TenantRepository tenants, EndpointCatalogs catalogs, CredentialResolver credentials,
            OwnershipStore ownership, Upstreams upstreams) {
        this.tenants = tenants;
        this.catalogs = catalogs;
        this.credentials = credentials;
        this.ownership = ownership;
        this.vapi = upstreams.require(VAPI);
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/resources")
    Mono<ResponseEntity<Map<String, Object>>> assign(@PathVariable String tenantId,
            @RequestBody(required = false) @Nullable JsonNode body) {
        return tenant(tenantId).flatMap(tenant -> {
            Input input = Input.of(body, "upstream", "type", "id", "alias");
            input.requiredText("upstream", Pattern.compile("vapi"), "must be vapi (Twilio numbers are provisioned or imported)");
            String type = input.requiredText("type", Pattern.compile("[a-z-]{1,40}"), "must be a VAPI resource type");
            String id = input.requiredText("id", ID, "must be a VAPI id");
            String alias = input.text("alias", Pattern.compile("[a-z0-9][a-z0-9-]{0,62}"), "must be lower-case letters, digits and '-'");
            CatalogEntry get = fetchEntry(type);
            if (get == null) {
                throw input.invalid("type", "is not a VAPI resource type that can be fetched by id");
            }
            return this.ownership.ownerOf(VAPI, type, id)
                .flatMap(owner -> owner.equals(tenantId) ? Mono.<Boolean>just(true)
                        : Mono.error(new GatewayException(ProblemType.CONFLICT, "This resource is already assigned")))
                .switchIfEmpty(exists(tenant, get, id))
                .flatMap(found -> found ? this.ownership.record(tenantId, VAPI, type, id, alias)
                        : Mono.error(new GatewayException(ProblemType.NOT_FOUND, "VAPI has no " + type + " '" + id
                                + "' visible with this tenant's credential").withExtension("field", "id")))
                .thenReturn(ResponseEntity.status(HttpStatus.CREATED)
                    .body(Map.<String, Object>of("tenantId", tenantId, "upstream", VAPI, "type", type, "id", id)));
        });
    }

    /** The catalog's {@code GET /<type>/{id}} entry for a resource type. */
    private @Nullable CatalogEntry fetchEntry(String type) {
        return this.catalogs.require(VAPI).entries().stream()
            .filter(entry -> entry.allowed() && HttpMethod.GET.equals(entry.method()) && type.equals(entry.resource())
                    && entry.pathParams().equals(Map.of("id", type)) && entry.path().endsWith("/{id}"))
            .findFirst()
            .orElse(null);
    }

    private Mono<Boolean> exists(Tenant tenant, CatalogEntry get, String id) {
        return this.credentials.resolve(tenant, this.vapi)
            .flatMap(credential -> this.web.get()
                .uri(this.vapi.baseUri().resolve(get.expandPath(Map.of("id", id))))
                .header("Authorization", credential.authorization())
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())))
            .flatMap(status -> (status == 200) ? Mono.just(true) : (status == 404) ? Mono.just(false)
                    : Mono.error(new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "VAPI answered " + status)));
    }

    private Mono<Tenant> tenant(String tenantId) {
        return TenantLookup.tenant(this.tenants, tenantId);
    }
}
