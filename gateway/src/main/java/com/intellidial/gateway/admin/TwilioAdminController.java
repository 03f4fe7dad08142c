package com.intellidial.gateway.admin;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.provisioning.NumberProvisioning;
import com.intellidial.gateway.provisioning.NumberProvisioning.ProvisionedNumber;
import com.intellidial.gateway.provisioning.TwilioAccountService;
import com.intellidial.gateway.provisioning.TwilioAccountService.TwilioAccount;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Telephony administration of a tenant: its Twilio subaccount ({@code platform-twilio}), its own
 * Twilio credential ({@code byo-twilio}), and its phone numbers. Credentials go to the secret store
 * and are never echoed.
 */
@RestController
class TwilioAdminController {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final TenantRepository tenants;

    private final TwilioAccountService accounts;

    private final NumberProvisioning numbers;

    TwilioAdminController(TenantRepository tenants, TwilioAccountService accounts,
            NumberProvisioning numbers) {
        this.tenants = tenants;
        this.accounts = accounts;
        this.numbers = numbers;
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/twilio/subaccount")
    Mono<ResponseEntity<TwilioAccount>> createSubaccount(@PathVariable String tenantId) {
        return tenant(tenantId).flatMap(this.accounts::createSubaccount)
            .map((account) -> ResponseEntity.status(account.created() ? HttpStatus.CREATED : HttpStatus.OK).body(account));
    }

    @PutMapping("/admin/v1/tenants/{tenantId}/twilio")
    Mono<TwilioAccount> connectOwnAccount(@PathVariable String tenantId, @RequestBody OwnAccount body) {
        return tenant(tenantId).flatMap((tenant) -> this.accounts.connectOwnAccount(tenant,
                String.valueOf(body.accountSid()), body.authToken(), body.apiKeySid(), body.apiKeySecret()));
    }

    @PostMapping("/admin/v1/tenants/{tenantId}/numbers")
    Mono<ResponseEntity<ProvisionedNumber>> provision(@PathVariable String tenantId,
            @RequestBody(required = false) @Nullable NumberRequest body,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey) {
        return tenant(tenantId).flatMap((tenant) -> {
            if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
                return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST,
                        "An Idempotency-Key header (1 to 200 characters) is required"));
            }
            return this.numbers.provision(tenant, idempotencyKey, (body != null) ? body.areaCode() : null);
        }).map((number) -> ResponseEntity.status(HttpStatus.CREATED).body(number));
    }

    @DeleteMapping("/admin/v1/tenants/{tenantId}/numbers/{phoneNumberSid}")
    Mono<ResponseEntity<Void>> release(@PathVariable String tenantId, @PathVariable String phoneNumberSid) {
        return tenant(tenantId).flatMap((tenant) -> this.numbers.release(tenant, phoneNumberSid))
            .thenReturn(ResponseEntity.noContent().build());
    }

    private Mono<Tenant> tenant(String tenantId) {
        return TenantLookup.tenant(this.tenants, tenantId);
    }

    /**
     * A tenant's own Twilio credential.
     * @param accountSid its {@code AC...} account
     * @param authToken the account's auth token (needed to verify webhook signatures)
     * @param apiKeySid an {@code SK...} API key, instead of or besides the token
     * @param apiKeySecret the API key's secret
     */
    record OwnAccount(@Nullable String accountSid, @Nullable String authToken, @Nullable String apiKeySid,
            @Nullable String apiKeySecret) {

        @Override
        public String toString() {
            return "OwnAccount[accountSid=" + this.accountSid + ", secrets=<redacted>]";
        }
    }

    /**
     * What number to provision.
     * @param areaCode the US/CA area code to search in, or {@code null} for any
     */
    record NumberRequest(@Nullable Integer areaCode) {
    }
}
