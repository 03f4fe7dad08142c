package com.intellidial.gateway.onboarding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.EndpointCatalog;
import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.isolation.TwilioOwnership;
import com.intellidial.gateway.provisioning.NumberProvisioning;
import com.intellidial.gateway.provisioning.TwilioAccountService;
import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.tenant.KeyService;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;

/**
 * Offboarding: every key revoked on every instance and the tenant marked offboarded; then, as the
 * caller asks, its phone numbers released (a byo-twilio number is only taken out of VAPI: it is the
 * client's), its Twilio subaccount closed, and the VAPI resources it owns deleted. Usage, ownership
 * history and the audit log stay. What could not be cleaned up is reported, never hidden.
 */
public final class OffboardingService {

    private static final Logger log = LoggerFactory.getLogger(OffboardingService.class);

    private static final String VAPI = "vapi";

    /** Deleted first: what uses other resources goes before what it uses. */
    private static final List<String> DELETE_ORDER = List.of("campaign", "squad", "assistant", "tool", "structured-output",
            "knowledge-base", "file");

    private final TenantRepository tenants;

    private final KeyService keys;

    private final NumberProvisioning numbers;

    private final TwilioAccountService twilioAccounts;

    private final TwilioOwnership twilioOwnership;

    private final OwnershipStore ownership;

    private final CredentialResolver credentials;

    private final Upstream vapi;

    private final EndpointCatalog catalog;

    private final DatabaseClient db;

    private final WebClient web = WebClient.builder().build();

    OffboardingService(TenantRepository tenants, KeyService keys, NumberProvisioning numbers, TwilioAccountService twilioAccounts,
            TwilioOwnership twilioOwnership, OwnershipStore ownership, CredentialResolver credentials, Upstream vapi,
            EndpointCatalog catalog, DatabaseClient db) {
        this.tenants = tenants;
        this.keys = keys;
        this.numbers = numbers;
        this.twilioAccounts = twilioAccounts;
        this.twilioOwnership = twilioOwnership;
        this.ownership = ownership;
        this.credentials = credentials;
        this.vapi = vapi;
        this.catalog = catalog;
        this.db = db;
    }

    /**
     * Offboards a tenant.
     * @return what was cleaned up ({@code releasedNumbers}, {@code deletedVapiResources},
     * {@code closedSubaccount}) and what could not be ({@code failures})
     */
    public Mono<Map<String, Object>> offboard(Tenant tenant, boolean releaseNumbers, boolean closeSubaccount,
            boolean deleteVapiResources) {
        List<String> released = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Mono<Void> cleanup = Mono.empty();
        if (releaseNumbers) {
            cleanup = cleanup.then(releaseNumbers(tenant, released, failures));
        }
        if (deleteVapiResources) {
            cleanup = cleanup.then(deleteVapiResources(tenant, deleted, failures));
        }
        Mono<Boolean> closed = (closeSubaccount && tenant.telephonyMode() == TelephonyMode.PLATFORM_TWILIO)
                ? this.twilioAccounts.closeSubaccount(tenant).thenReturn(true).onErrorResume(ex -> {
                    failures.add("closing the Twilio subaccount: " + ex.getMessage());
                    return Mono.just(false);
                })
                : Mono.just(false);
        // Keys first: nothing the tenant holds works while the rest is cleaned up.
        return this.tenants.setStatus(tenant.id(), "offboarded")
            .then(this.keys.revokeAll(tenant.id()))
            .then(cleanup)
            .then(closed)
            .map(subaccount -> {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("releasedNumbers", released);
                report.put("deletedVapiResources", deleted);
                report.put("closedSubaccount", subaccount);
                report.put("failures", failures);
                return report;
            });
    }

    private Mono<Void> releaseNumbers(Tenant tenant, List<String> released, List<String> failures) {
        if (tenant.telephonyMode() == TelephonyMode.VAPI_NUMBER) {
            return owned(tenant.id(), "phone-number").concatMap(id -> this.numbers.release(tenant, id)
                .then(Mono.fromRunnable(() -> released.add(id)))
                .onErrorResume(ex -> failed(failures, "releasing " + id, ex))).then();
        }
        return this.twilioOwnership.numbers(tenant.id()).flatMapMany(Flux::fromIterable).concatMap(number -> {
            Mono<Void> release = (tenant.telephonyMode() == TelephonyMode.BYO_TWILIO && number.vapiPhoneNumberId() != null)
                    ? this.numbers.detach(tenant, number.vapiPhoneNumberId(), number.sid())
                    : this.numbers.release(tenant, number.sid());
            return release.then(Mono.fromRunnable(() -> released.add(number.phoneNumber())))
                .onErrorResume(ex -> failed(failures, "releasing " + number.phoneNumber(), ex));
        }).then();
    }

    private Mono<Void> deleteVapiResources(Tenant tenant, List<String> deleted, List<String> failures) {
        return Flux.fromIterable(DELETE_ORDER).concatMap(type -> {
            CatalogEntry delete = deleteEntry(type);
            if (delete == null) {
                return Mono.empty();
            }
            return owned(tenant.id(), type).concatMap(id -> this.credentials.resolve(tenant, this.vapi)
                .flatMap(credential -> this.web.method(HttpMethod.DELETE)
                    .uri(this.vapi.baseUri().resolve(delete.expandPath(Map.of("id", id))))
                    .header("Authorization", credential.authorization())
                    .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())))
                .flatMap(status -> (status < 300 || status == 404) ? this.ownership.forget(tenant.id(), VAPI, type, id)
                    .then(Mono.fromRunnable(() -> deleted.add(type + " " + id)))
                        : failed(failures, "deleting " + type + " " + id + " (VAPI answered " + status + ")", null))
                .onErrorResume(ex -> failed(failures, "deleting " + type + " " + id, ex)));
        }).then();
    }

    private @Nullable CatalogEntry deleteEntry(String type) {
        return this.catalog.entries().stream()
            .filter(entry -> entry.allowed() && HttpMethod.DELETE.equals(entry.method()) && type.equals(entry.deletes())
                    && entry.pathParams().equals(Map.of("id", type)))
            .findFirst()
            .orElse(null);
    }

    private Flux<String> owned(String tenantId, String type) {
        return this.db.sql("select upstream_id from ownership where tenant_id = $1 and upstream = 'vapi' and resource_type = $2")
            .bind(0, tenantId)
            .bind(1, type)
            .map(row -> String.valueOf(row.get("upstream_id", String.class)))
            .all();
    }

    private static Mono<Void> failed(List<String> failures, String what, @Nullable Throwable ex) {
        log.warn("Offboarding: {} failed{}", what, (ex != null) ? ": " + ex : "");
        failures.add(what + ((ex != null && ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
        return Mono.empty();
    }
}
