package com.intellidial.gateway.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.metering.BudgetLimits;
import com.intellidial.gateway.metering.RateLimitProperties;
import com.intellidial.gateway.metering.TenantRateLimits;
import com.intellidial.gateway.onboarding.OffboardingService;
import com.intellidial.gateway.tenant.ApiKeyEvents;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantDetails;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Tenants: create, read, list (paged, filtered), update (name, modes, webhook URL, budgets, rate limits),
 * suspend and resume (every instance refuses a suspended tenant within a second), offboard (every
 * key revoked; usage and audit history kept). Access and audit are {@link AdminAccessWebFilter}'s.
 */
@RestController
class TenantAdminController {

    static final Pattern NAME = Pattern.compile("\\S.{0,199}", Pattern.DOTALL);

    static final String ID_RULE = "must be 2 to 63 lower-case letters, digits or '-', starting with a letter or digit";

    private static final BigDecimal MAX_AMOUNT = new BigDecimal("100000000");

    private final TenantRepository tenants;

    private final ApiKeyEvents keyEvents;

    private final BudgetLimits budgets;

    private final OffboardingService offboarding;

    private final TenantRateLimits rateLimits;

    TenantAdminController(TenantRepository tenants, ApiKeyEvents keyEvents, BudgetLimits budgets,
            OffboardingService offboarding, TenantRateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.tenants = tenants;
        this.keyEvents = keyEvents;
        this.budgets = budgets;
        this.offboarding = offboarding;
    }

    @PostMapping("/admin/v1/tenants")
    Mono<ResponseEntity<Map<String, Object>>> create(@RequestBody(required = false) @Nullable JsonNode body) {
        return Mono.defer(() -> {
            Input input = Input.of(body, "id", "name", "vapiMode", "telephonyMode", "webhookUrl", "budgets", "rateLimits");
            Tenant tenant = tenantFrom(input);
            BudgetLimits.Limits limits = budgetsFrom(input);
            RateLimitProperties.Bucket bucket = rateLimitsFrom(input);
            return this.tenants.findTenant(tenant.id())
                .flatMap(existing -> Mono.<Void>error(new GatewayException(ProblemType.CONFLICT,
                        "A tenant with id '" + tenant.id() + "' already exists").withExtension("field", "id")))
                .then(this.tenants.insert(tenant, input.url("webhookUrl")))
                .then((limits != null) ? this.budgets.set(tenant.id(), limits) : Mono.empty())
                .then((bucket != null) ? this.rateLimits.set(tenant.id(), bucket) : Mono.empty())
                .then(view(tenant.id()))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
        });
    }

    @GetMapping("/admin/v1/tenants")
    Mono<Map<String, Object>> list(@RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String vapiMode,
            @RequestParam(required = false) @Nullable String telephonyMode,
            @RequestParam(required = false) @Nullable String search, @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String offset) {
        return Mono.defer(() -> {
            if (status != null && !List.of("active", "suspended", "offboarded").contains(status)) {
                throw param("status", "must be active, suspended or offboarded");
            }
            int pageSize = Paging.limit(limit);
            long skip = Paging.offset(offset);
            return this.tenants.list(status, (vapiMode != null) ? vapiMode(vapiMode, "vapiMode") : null,
                    (telephonyMode != null) ? telephonyMode(telephonyMode, "telephonyMode") : null,
                    (search != null && !search.isBlank()) ? search.strip() : null, pageSize + 1, skip)
                .map(found -> Paging.page(found.stream().limit(pageSize).map(TenantAdminController::summary).toList(),
                        found.size() > pageSize, pageSize, skip));
        });
    }

    @GetMapping("/admin/v1/tenants/{tenantId}")
    Mono<Map<String, Object>> get(@PathVariable String tenantId) {
        return view(tenantId);
    }

    @PatchMapping("/admin/v1/tenants/{tenantId}")
    Mono<Map<String, Object>> update(@PathVariable String tenantId, @RequestBody(required = false) @Nullable JsonNode body) {
        return existing(tenantId).flatMap(current -> {
            Input input = Input.of(body, "name", "vapiMode", "telephonyMode", "webhookUrl", "budgets", "rateLimits");
            String name = input.text("name", NAME, "must be 1 to 200 characters, not starting with a space");
            VapiMode vapi = input.has("vapiMode") ? vapiMode(input.requiredText("vapiMode", Pattern.compile(".*"), ""), "vapiMode")
                    : null;
            TelephonyMode telephony = input.has("telephonyMode")
                    ? telephonyMode(input.requiredText("telephonyMode", Pattern.compile(".*"), ""), "telephonyMode") : null;
            String webhookUrl = input.url("webhookUrl");
            BudgetLimits.Limits limits = budgetsFrom(input);
            RateLimitProperties.Bucket bucket = rateLimitsFrom(input);
            Mono<Void> rateLimits = (bucket != null) ? this.rateLimits.set(tenantId, bucket)
                    : input.isNull("rateLimits") ? this.rateLimits.set(tenantId, null) : Mono.empty();
            return this.tenants.update(tenantId, name, vapi, telephony, webhookUrl, input.isNull("webhookUrl"))
                .then((limits != null) ? this.budgets.set(tenantId, limits) : Mono.empty())
                .then(rateLimits)
                .then(this.keyEvents.tenantChanged(tenantId))
                .then(view(tenantId));
        });
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/suspend")
    Mono<Map<String, Object>> suspend(@PathVariable String tenantId) {
        return existing(tenantId).flatMap(tenant -> requireNotOffboarded(tenant)
            .then(this.tenants.setStatus(tenantId, "suspended"))
            .then(this.keyEvents.tenantChanged(tenantId))
            .then(view(tenantId)));
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/resume")
    Mono<Map<String, Object>> resume(@PathVariable String tenantId) {
        return existing(tenantId).flatMap(tenant -> requireNotOffboarded(tenant)
            .then(this.tenants.setStatus(tenantId, "active"))
            .then(this.keyEvents.tenantChanged(tenantId))
            .then(view(tenantId)));
    }

    /**
     * Offboards a tenant: every key revoked on every instance, the tenant marked offboarded (it can
     * never be resumed). Its usage, ownership and audit history stay for billing and audits.
     */
    @PostMapping("/admin/v1/tenants/{tenantId}/offboard")
    Mono<Map<String, Object>> offboard(@PathVariable String tenantId, @RequestBody(required = false) @Nullable JsonNode body) {
        return existing(tenantId).flatMap(tenant -> {
            Input input = Input.of(body, "releaseNumbers", "closeTwilioSubaccount", "deleteVapiResources");
            return this.offboarding.offboard(tenant.tenant(), input.bool("releaseNumbers"), input.bool("closeTwilioSubaccount"),
                    input.bool("deleteVapiResources"))
                .flatMap(report -> view(tenantId).map(view -> {
                    view.put("cleanup", report);
                    return view;
                }));
        });
    }

    private Mono<Void> requireNotOffboarded(TenantDetails tenant) {
        return tenant.status().equals("offboarded") ? Mono.error(new GatewayException(ProblemType.CONFLICT,
                "The tenant was offboarded; create a new one instead")) : Mono.empty();
    }

    private Mono<TenantDetails> existing(String tenantId) {
        return TenantLookup.details(this.tenants, tenantId);
    }

    private Mono<Map<String, Object>> view(String tenantId) {
        return existing(tenantId).flatMap(details -> this.budgets.get(tenantId).map(limits -> {
            Map<String, Object> view = summary(details);
            view.put("webhookUrl", details.webhookUrl());
            view.put("createdAt", details.createdAt());
            view.put("updatedAt", details.updatedAt());
            Map<String, Object> budgets = new LinkedHashMap<>();
            budgets.put("callsPerDay", limits.callsPerDay());
            budgets.put("minutesPerMonth", limits.minutesPerMonth());
            budgets.put("spendPerMonthUsd", limits.spendPerMonthUsd());
            view.put("budgets", budgets);
            RateLimitProperties.Bucket bucket = this.rateLimits.bucketFor(tenantId);
            Map<String, Object> rates = new LinkedHashMap<>();
            rates.put("requestsPerSecond", bucket.replenishRate());
            rates.put("burst", bucket.burstCapacity());
            rates.put("source", (this.rateLimits.stored(tenantId) != null) ? "admin" : "configuration");
            view.put("rateLimits", rates);
            return view;
        }));
    }

    static Map<String, Object> summary(TenantDetails details) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", details.tenant().id());
        view.put("name", details.tenant().name());
        view.put("status", details.status());
        view.put("vapiMode", details.tenant().vapiMode().wire());
        view.put("telephonyMode", details.tenant().telephonyMode().wire());
        view.put("lastUsedAt", details.lastUsedAt());
        return view;
    }

    static Tenant tenantFrom(Input input) {
        String id = input.requiredText("id", Tenant.ID_PATTERN, ID_RULE);
        String name = input.requiredText("name", NAME, "must be 1 to 200 characters, not starting with a space");
        VapiMode vapi = input.has("vapiMode") ? vapiMode(input.requiredText("vapiMode", Pattern.compile(".*"), ""), "vapiMode")
                : VapiMode.SHARED_ORG;
        TelephonyMode telephony = input.has("telephonyMode")
                ? telephonyMode(input.requiredText("telephonyMode", Pattern.compile(".*"), ""), "telephonyMode")
                : TelephonyMode.VAPI_NUMBER;
        return new Tenant(id, name, false, vapi, telephony);
    }

    private static BudgetLimits.@Nullable Limits budgetsFrom(Input input) {
        Input budgets = input.object("budgets", "callsPerDay", "minutesPerMonth", "spendPerMonthUsd");
        if (budgets == null) {
            return null;
        }
        return new BudgetLimits.Limits(budgets.integer("callsPerDay", 0, 10_000_000),
                budgets.decimal("minutesPerMonth", BigDecimal.ZERO, MAX_AMOUNT),
                budgets.decimal("spendPerMonthUsd", BigDecimal.ZERO, MAX_AMOUNT));
    }

    private static RateLimitProperties.@Nullable Bucket rateLimitsFrom(Input input) {
        Input limits = input.object("rateLimits", "requestsPerSecond", "burst");
        if (limits == null) {
            return null;
        }
        BigDecimal rate = limits.decimal("requestsPerSecond", new BigDecimal("0.001"), new BigDecimal("100000"));
        Integer burst = limits.integer("burst", 1, 10_000_000);
        if (rate == null) {
            throw limits.invalid("requestsPerSecond", "is required");
        }
        if (burst == null) {
            throw limits.invalid("burst", "is required");
        }
        return new RateLimitProperties.Bucket(rate.doubleValue(), burst);
    }

    static VapiMode vapiMode(String value, String field) {
        try {
            return VapiMode.fromWire(value);
        }
        catch (IllegalArgumentException ex) {
            throw param(field, "must be shared-org or dedicated-org");
        }
    }

    static TelephonyMode telephonyMode(String value, String field) {
        try {
            return TelephonyMode.fromWire(value);
        }
        catch (IllegalArgumentException ex) {
            throw param(field, "must be vapi-number, platform-twilio, byo-twilio or shared-pool");
        }
    }

    static GatewayException param(String field, String rule) {
        return new GatewayException(ProblemType.MALFORMED_REQUEST, "'" + field + "' " + rule).withExtension("field", field);
    }

    /** Paging of admin lists: {@code limit} (1 to 200, default 50) and {@code offset}. */
    static final class Paging {

        private Paging() {
        }

        static int limit(@Nullable String limit) {
            if (limit == null) {
                return 50;
            }
            try {
                int value = Integer.parseInt(limit);
                if (value >= 1 && value <= 200) {
                    return value;
                }
            }
            catch (NumberFormatException ex) {
                // the 400 below
            }
            throw param("limit", "must be a whole number from 1 to 200");
        }

        static long offset(@Nullable String offset) {
            if (offset == null) {
                return 0;
            }
            try {
                long value = Long.parseLong(offset);
                if (value >= 0 && value <= 10_000_000) {
                    return value;
                }
            }
            catch (NumberFormatException ex) {
                // the 400 below
            }
            throw param("offset", "must be a whole number from 0");
        }

        static Map<String, Object> page(List<?> items, boolean more, int limit, long offset) {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("items", items);
            page.put("limit", limit);
            page.put("offset", offset);
            page.put("nextOffset", more ? offset + limit : null);
            return page;
        }
    }

    /** When a key or token stops working; {@code null} for never. */
    static @Nullable Instant expiry(Input input) {
        Instant expiresAt = input.instant("expiresAt");
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw input.invalid("expiresAt", "must be in the future");
        }
        return expiresAt;
    }
}
