package com.intellidial.gateway.provisioning;

import java.util.LinkedHashMap;
import java.util.Map;

import com.twilio.base.ResourceSet;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.credentials.SecretWriter;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * A tenant's Twilio account: a subaccount of the platform account ({@code platform-twilio}), or the
 * tenant's own account validated against Twilio ({@code byo-twilio}). Either way the credential is
 * stored only in the secret store, at {@code tenants/{id}/twilio}, and never returned.
 */
@Service
public class TwilioAccountService {

    private static final Logger log = LoggerFactory.getLogger(TwilioAccountService.class);

    private final TwilioClients twilio;

    private final SecretStore secrets;

    private final SecretWriter writer;

    private final CredentialRefresher refresher;

    TwilioAccountService(TwilioClients twilio, SecretStore secrets, SecretWriter writer, CredentialRefresher refresher) {
        this.twilio = twilio;
        this.secrets = secrets;
        this.writer = writer;
        this.refresher = refresher;
    }

    /**
     * Creates the tenant's subaccount under the platform account, or finds the one a previous,
     * interrupted run created (by its friendly name), and stores its SID and auth token.
     * @return the subaccount, {@code created} false when it already existed
     */
    public Mono<TwilioAccount> createSubaccount(Tenant tenant) {
        requireMode(tenant, TelephonyMode.PLATFORM_TWILIO);
        SecretPath path = SecretPath.tenantTwilio(tenant.id());
        Mono<TwilioAccount> create = this.secrets.read(SecretPath.platformTwilio())
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                    "The platform Twilio account is not configured")))
            .flatMap((platform) -> this.twilio.call("create a subaccount", () -> {
                TwilioRestClient master = this.twilio.client(platform);
                String name = "intellidial-" + tenant.id();
                ResourceSet<Account> existing = Account.reader().setFriendlyName(name).limit(1).read(master);
                for (Account account : existing) {
                    if (account.getAuthToken() != null) {
                        return account;
                    }
                }
                return Account.creator().setFriendlyName(name).create(master);
            }))
            .flatMap((account) -> store(path, Map.of("account_sid", account.getSid(), "auth_token",
                    String.valueOf(account.getAuthToken())))
                .thenReturn(new TwilioAccount(tenant.id(), account.getSid(), true)));
        return this.secrets.read(path)
            .mapNotNull((secret) -> secret.field("account_sid"))
            .map((sid) -> new TwilioAccount(tenant.id(), sid, false))
            .switchIfEmpty(create);
    }

    /**
     * Closes the tenant's subaccount (Twilio releases its numbers), for offboarding and for an
     * onboarding that failed after creating it. Nothing to do when it has none.
     */
    public Mono<Void> closeSubaccount(Tenant tenant) {
        requireMode(tenant, TelephonyMode.PLATFORM_TWILIO);
        return this.secrets.read(SecretPath.tenantTwilio(tenant.id()))
            .mapNotNull((secret) -> secret.field("account_sid"))
            .flatMap((sid) -> this.secrets.read(SecretPath.platformTwilio())
                .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                        "The platform Twilio account is not configured")))
                .flatMap((platform) -> this.twilio.call("close the subaccount",
                        () -> Account.updater(sid).setStatus(Account.Status.CLOSED).update(this.twilio.client(platform)))))
            .then();
    }

    /**
     * Checks the tenant's own Twilio credential by fetching its account with it, then stores it.
     * @param accountSid the tenant's {@code AC...} account
     * @param authToken its auth token (needed to verify webhook signatures), or {@code null} with an API key
     * @param apiKeySid an {@code SK...} API key of the account, or {@code null}
     * @param apiKeySecret the API key's secret, or {@code null}
     */
    public Mono<TwilioAccount> connectOwnAccount(Tenant tenant, String accountSid, @Nullable String authToken,
            @Nullable String apiKeySid, @Nullable String apiKeySecret) {
        requireMode(tenant, TelephonyMode.BYO_TWILIO);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("account_sid", accountSid);
        if (authToken != null) {
            fields.put("auth_token", authToken);
        }
        if (apiKeySid != null && apiKeySecret != null) {
            fields.put("api_key_sid", apiKeySid);
            fields.put("api_key_secret", apiKeySecret);
        }
        if (!accountSid.matches("AC[0-9a-fA-F]{32}") || fields.size() < 2) {
            return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST,
                    "accountSid (AC + 32 hex digits) and authToken or apiKeySid + apiKeySecret are required"));
        }
        String username = (authToken != null) ? accountSid : String.valueOf(apiKeySid);
        String password = (authToken != null) ? authToken : String.valueOf(apiKeySecret);
        return this.twilio.call("accept the credential", () -> Account.fetcher(accountSid)
                .fetch(this.twilio.client(username, password, accountSid)))
            .onErrorMap(GatewayException.class, (ex) -> new GatewayException(ProblemType.MALFORMED_REQUEST,
                    "Twilio did not accept the credential for " + accountSid).withExtension("field", "authToken"))
            .flatMap((account) -> (account.getStatus() == null || account.getStatus() == Account.Status.ACTIVE)
                    ? store(SecretPath.tenantTwilio(tenant.id()), fields)
                    : Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST, "The Twilio account " + accountSid
                            + " is " + account.getStatus() + ", not active").withExtension("field", "accountSid")))
            .thenReturn(new TwilioAccount(tenant.id(), accountSid, true));
    }

    private Mono<Void> store(SecretPath path, Map<String, String> fields) {
        return this.writer.write(path, fields)
            .doOnNext((version) -> log.info("Stored Twilio credential {} version {}", path, version))
            .then(this.refresher.refresh(path));
    }

    static void requireMode(Tenant tenant, TelephonyMode mode) {
        if (tenant.telephonyMode() != mode) {
            throw new GatewayException(ProblemType.CONFLICT, "Tenant " + tenant.id() + " has telephony mode "
                    + tenant.telephonyMode().wire() + ", not " + mode.wire());
        }
    }

    /**
     * A tenant's Twilio account.
     * @param tenantId the tenant
     * @param accountSid its account
     * @param created whether this call created or stored it
     */
    public record TwilioAccount(String tenantId, String accountSid, boolean created) {
    }
}
