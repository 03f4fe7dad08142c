package com.intellidial.gateway.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.Local;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.LocalReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.isolation.TwilioOwnership;
import com.intellidial.gateway.isolation.TwilioOwnership.OwnedNumber;
import com.intellidial.gateway.provisioning.ProvisioningOperations.Operation;
import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Gives a tenant a phone number for its telephony mode and takes it back. For the Twilio modes:
 * search, buy into the tenant's account (its subaccount, its own account, or the platform pool),
 * then import into VAPI ({@code provider: twilio}); {@code vapi-number} asks VAPI for a number
 * ({@code provider: vapi}). Each run is keyed by an idempotency key and resumes where an earlier run
 * stopped; a number bought for a run whose VAPI import fails is released again (compensation).
 */
@Service
public class NumberProvisioning {

    private static final Logger log = LoggerFactory.getLogger(NumberProvisioning.class);

    private static final String VAPI = "vapi";

    private static final String PHONE_NUMBER = "phone-number";

    private final TwilioClients twilio;

    private final SecretStore secrets;

    private final ProvisioningOperations operations;

    private final TwilioOwnership ownership;

    private final CredentialResolver credentials;

    private final Upstream vapi;

    private final OwnershipStore vapiOwnership;

    private final WebClient web = WebClient.builder().build();

    NumberProvisioning(TwilioClients twilio, SecretStore secrets, ProvisioningOperations operations,
            TwilioOwnership ownership, CredentialResolver credentials, Upstreams upstreams, OwnershipStore vapiOwnership) {
        this.twilio = twilio;
        this.vapiOwnership = vapiOwnership;
        this.secrets = secrets;
        this.operations = operations;
        this.ownership = ownership;
        this.credentials = credentials;
        this.vapi = upstreams.require("vapi");
    }

    /**
     * Provisions one number, idempotently.
     * @param tenant the tenant
     * @param idempotencyKey the caller's key for this run; the same key answers the same number
     * @param areaCode the area code to search in, or {@code null} for any
     * @return the number, bought (Twilio modes) and imported into VAPI
     */
    public Mono<ProvisionedNumber> provision(Tenant tenant, String idempotencyKey, @Nullable Integer areaCode) {
        return this.operations.start(idempotencyKey, tenant.id()).<Operation>flatMap((started) -> {
            Operation operation = started.operation();
            if (!operation.tenantId().equals(tenant.id())) {
                return Mono.error(new GatewayException(ProblemType.CONFLICT, "This idempotency key is already used"));
            }
            return switch (operation.state()) {
                case "imported" -> Mono.just(operation);
                case "compensated" -> Mono.error(new GatewayException(ProblemType.CONFLICT,
                        "This run failed and was rolled back; retry with a new idempotency key"));
                default -> (tenant.telephonyMode() == TelephonyMode.VAPI_NUMBER) ? vapiNumber(tenant, operation, areaCode)
                        : twilioNumber(tenant, operation, started.resumed(), areaCode);
            };
        }).map((done) -> new ProvisionedNumber(done.phoneNumber(), done.phoneNumberSid(), done.accountSid(),
                done.vapiPhoneNumberId()));
    }

    /**
     * Imports a number the tenant already has in its own Twilio account ({@code byo-twilio}) into
     * VAPI, idempotently: the number must be in that account and voice capable (400 otherwise).
     * A failed import leaves the number in the tenant's account untouched.
     * @param e164 the number, e.g. {@code +14155550100}
     */
    public Mono<ProvisionedNumber> adopt(Tenant tenant, String idempotencyKey, String e164) {
        TwilioAccountService.requireMode(tenant, TelephonyMode.BYO_TWILIO);
        return this.operations.start(idempotencyKey, tenant.id()).<Operation>flatMap((started) -> {
            Operation operation = started.operation();
            if (!operation.tenantId().equals(tenant.id())) {
                return Mono.error(new GatewayException(ProblemType.CONFLICT, "This idempotency key is already used"));
            }
            if ("imported".equals(operation.state())) {
                return Mono.just(operation);
            }
            return twilioAccount(tenant).flatMap((secret) -> find(secret, operation, e164)
                .flatMap(this.operations::save)
                .flatMap((ready) -> importIntoVapi(tenant, secret, ready).flatMap((vapiId) -> this.ownership
                    .addNumber(tenant.id(), new OwnedNumber(String.valueOf(ready.phoneNumberSid()),
                            String.valueOf(ready.phoneNumber()), String.valueOf(ready.accountSid()), vapiId))
                    .then(this.operations.save(ready.imported(vapiId))))));
        }).map((done) -> new ProvisionedNumber(done.phoneNumber(), done.phoneNumberSid(), done.accountSid(),
                done.vapiPhoneNumberId()));
    }

    /** Finds the tenant's own number in its account: it must be there and take voice calls. */
    private Mono<Operation> find(Secret secret, Operation operation, String e164) {
        return this.twilio.call("find the tenant's number", () -> {
            TwilioRestClient client = this.twilio.client(secret);
            for (IncomingPhoneNumber existing : IncomingPhoneNumber.reader()
                .setPhoneNumber(new com.twilio.type.PhoneNumber(e164))
                .limit(1)
                .read(client)) {
                if (existing.getCapabilities() != null && Boolean.FALSE.equals(existing.getCapabilities().getVoice())) {
                    throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The number " + e164
                            + " cannot take voice calls").withExtension("field", "telephony.number");
                }
                return existing;
            }
            throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The number " + e164
                    + " is not in the tenant's Twilio account").withExtension("field", "telephony.number");
        }).map((number) -> operation.bought(number.getAccountSid(), number.getPhoneNumber().toString(), number.getSid()));
    }

    /**
     * Takes a number out of VAPI and out of the tenant's ownership, leaving it in its Twilio
     * account (a {@code byo-twilio} number stays the tenant's; onboarding's compensation).
     * @param vapiPhoneNumberId the VAPI phone-number id
     * @param phoneNumberSid the Twilio SID, or {@code null} for a VAPI number
     */
    public Mono<Void> detach(Tenant tenant, String vapiPhoneNumberId, @Nullable String phoneNumberSid) {
        return deleteFromVapi(tenant, vapiPhoneNumberId)
            .then((phoneNumberSid != null) ? this.ownership.removeNumber(tenant.id(), phoneNumberSid) : Mono.empty());
    }

    /**
     * Releases a number: from VAPI if it was imported, then from Twilio, then from the tenant's
     * ownership. A number the tenant does not own is 404.
     */
    public Mono<Void> release(Tenant tenant, String phoneNumberSid) {
        if (tenant.telephonyMode() == TelephonyMode.VAPI_NUMBER) {
            return this.vapiOwnership.isOwnedBy(tenant.id(), VAPI, PHONE_NUMBER, phoneNumberSid)
                .flatMap((owned) -> owned ? deleteFromVapi(tenant, phoneNumberSid)
                        : Mono.error(new GatewayException(ProblemType.NOT_FOUND, "No such phone number")));
        }
        return this.ownership.numbers(tenant.id())
            .flatMap((owned) -> owned.stream()
                .filter((number) -> number.sid().equals(phoneNumberSid))
                .findFirst()
                .map(Mono::just)
                .orElseGet(() -> Mono.error(new GatewayException(ProblemType.NOT_FOUND, "No such phone number"))))
            .flatMap((number) -> ((number.vapiPhoneNumberId() != null)
                    ? deleteFromVapi(tenant, number.vapiPhoneNumberId()) : Mono.<Void>empty())
                .then(twilioAccount(tenant))
                .flatMap((secret) -> releaseFromTwilio(secret, phoneNumberSid))
                .then(this.ownership.removeNumber(tenant.id(), phoneNumberSid)));
    }

    private Mono<Operation> twilioNumber(Tenant tenant, Operation operation, boolean resumed,
            @Nullable Integer areaCode) {
        return twilioAccount(tenant).flatMap((secret) -> {
            Mono<Operation> bought = "bought".equals(operation.state()) ? Mono.just(operation)
                    : buy(secret, operation, resumed, areaCode).flatMap(this.operations::save);
            return bought.flatMap((ready) -> importIntoVapi(tenant, secret, ready)
                .flatMap((vapiId) -> this.ownership
                    .addNumber(tenant.id(), new OwnedNumber(String.valueOf(ready.phoneNumberSid()),
                            String.valueOf(ready.phoneNumber()), String.valueOf(ready.accountSid()), vapiId))
                    .then(this.operations.save(ready.imported(vapiId))))
                .onErrorResume((error) -> compensate(secret, ready, error)));
        });
    }

    /**
     * Buys a number. A resumed run first looks for the number an interrupted attempt may have
     * bought (by its friendly name), so a crash between buying and recording never buys twice.
     */
    private Mono<Operation> buy(Secret secret, Operation operation, boolean resumed, @Nullable Integer areaCode) {
        String marker = marker(operation.key());
        return this.twilio.call("buy a number", () -> {
            TwilioRestClient client = this.twilio.client(secret);
            if (resumed) {
                for (IncomingPhoneNumber existing : IncomingPhoneNumber.reader().setFriendlyName(marker).limit(1).read(client)) {
                    return existing;
                }
            }
            LocalReader search = Local.reader("US").setVoiceEnabled(true);
            if (areaCode != null) {
                search.setAreaCode(areaCode);
            }
            for (Local candidate : search.limit(1).read(client)) {
                return IncomingPhoneNumber.creator(candidate.getPhoneNumber()).setFriendlyName(marker).create(client);
            }
            throw new GatewayException(ProblemType.CONFLICT, "No phone number is available"
                    + ((areaCode != null) ? " in area code " + areaCode : ""));
        }).map((number) -> operation.bought(number.getAccountSid(), number.getPhoneNumber().toString(), number.getSid()));
    }

    private Mono<String> importIntoVapi(Tenant tenant, Secret secret, Operation operation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", "twilio");
        body.put("number", operation.phoneNumber());
        body.put("twilioAccountSid", operation.accountSid());
        if (secret.field("auth_token") != null) {
            body.put("twilioAuthToken", secret.field("auth_token"));
        }
        else {
            body.put("twilioApiKey", secret.field("api_key_sid"));
            body.put("twilioApiSecret", secret.field("api_key_secret"));
        }
        body.put("name", tenant.id() + " " + operation.phoneNumber());
        // VAPI would otherwise point the number's SMS webhook at itself and take the tenant's messages.
        body.put("smsEnabled", false);
        return postToVapi(tenant, body);
    }

    private Mono<Operation> vapiNumber(Tenant tenant, Operation operation, @Nullable Integer areaCode) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", "vapi");
        if (areaCode != null) {
            body.put("numberDesiredAreaCode", areaCode.toString());
        }
        body.put("name", tenant.id() + " " + operation.key());
        return postToVapi(tenant, body).flatMap((id) -> this.operations.save(operation.imported(id)));
    }

    private Mono<String> postToVapi(Tenant tenant, Map<String, Object> body) {
        return this.credentials.resolve(tenant, this.vapi)
            .flatMap((credential) -> this.web.post()
                .uri(this.vapi.baseUri().resolve("/phone-number"))
                .header("Authorization", credential.authorization())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(JsonNode.class))
            .map((created) -> created.path("id").asString(""))
            .filter((id) -> !id.isEmpty())
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "VAPI did not return the imported phone number")))
            // The number is the tenant's on the VAPI side too, so it can use it through /vapi.
            .flatMap((id) -> this.vapiOwnership.record(tenant.id(), VAPI, PHONE_NUMBER, id, null).thenReturn(id))
            .onErrorMap(WebClientResponseException.class, (ex) -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "VAPI refused the phone number (" + ex.getStatusCode().value() + ")", ex));
    }

    private Mono<Void> deleteFromVapi(Tenant tenant, String vapiId) {
        return this.credentials.resolve(tenant, this.vapi)
            .flatMap((credential) -> this.web.delete()
                .uri(this.vapi.baseUri().resolve("/phone-number/" + vapiId))
                .header("Authorization", credential.authorization())
                .retrieve()
                .toBodilessEntity())
            .onErrorResume(WebClientResponseException.class,
                    (ex) -> (ex.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) ? Mono.empty() : Mono.error(
                            new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "VAPI refused to delete the number", ex)))
            .then(this.vapiOwnership.forget(tenant.id(), VAPI, PHONE_NUMBER, vapiId));
    }

    /** Releases the number bought for a failed run, then fails the run with the original error. */
    private Mono<Operation> compensate(Secret secret, Operation operation, Throwable error) {
        log.warn("Provisioning {} for tenant {} failed after buying {}; releasing it: {}", operation.key(),
                operation.tenantId(), operation.phoneNumberSid(), error.toString());
        return releaseFromTwilio(secret, String.valueOf(operation.phoneNumberSid()))
            .then(this.operations.save(operation.compensated()))
            .then(Mono.error(error));
    }

    private Mono<Void> releaseFromTwilio(Secret secret, String phoneNumberSid) {
        return this.twilio.call("release the number", () -> {
            try {
                return IncomingPhoneNumber.deleter(phoneNumberSid).delete(this.twilio.client(secret));
            }
            catch (ApiException ex) {
                if (ex.getStatusCode() != null && ex.getStatusCode() == 404) {
                    return true;
                }
                throw ex;
            }
        }).then();
    }

    private Mono<Secret> twilioAccount(Tenant tenant) {
        SecretPath path = (tenant.telephonyMode() == TelephonyMode.SHARED_POOL) ? SecretPath.platformTwilio()
                : SecretPath.tenantTwilio(tenant.id());
        return this.secrets.read(path).switchIfEmpty(Mono.error(() -> new GatewayException(
                ProblemType.CREDENTIAL_UNAVAILABLE, "No Twilio account is configured for this tenant")));
    }

    /** The friendly name that marks the number bought for a run (Twilio allows 64 characters). */
    private static String marker(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "igw-" + HexFormat.of().formatHex(digest, 0, 12);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
        }
    }


    /**
     * A provisioned number.
     * @param phoneNumber E.164 ({@code null} for a VAPI number until VAPI assigns one)
     * @param phoneNumberSid the Twilio {@code PN...} SID ({@code null} for a VAPI number)
     * @param accountSid the Twilio account holding it ({@code null} for a VAPI number)
     * @param vapiPhoneNumberId the VAPI phone-number
     */
    public record ProvisionedNumber(@Nullable String phoneNumber, @Nullable String phoneNumberSid,
            @Nullable String accountSid, @Nullable String vapiPhoneNumberId) {
    }
}
