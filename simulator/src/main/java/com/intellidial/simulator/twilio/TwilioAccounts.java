package com.intellidial.simulator.twilio;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.SimulatorConfig.TwilioApiKey;
import org.jspecify.annotations.Nullable;

/** Twilio accounts (main accounts and their subaccounts) and API keys, and the Basic-auth and scope rules over them. */
final class TwilioAccounts {

    private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();

    private final Map<String, TwilioApiKey> apiKeys;

    TwilioAccounts(SimulatorConfig config, Instant now) {
        config.twilioAccounts()
            .forEach((sid, token) -> this.accounts.put(sid, new Account(sid, token, null, sid, "active", now, now)));
        this.apiKeys = Map.copyOf(config.twilioApiKeys()
            .stream()
            .collect(Collectors.toMap(TwilioApiKey::keySid, key -> key)));
    }

    /**
     * Who a Basic {@code Authorization} header authenticates: an active account by its token, or one of its API
     * keys. Suspended and closed accounts cannot authenticate (Twilio answers 20003).
     */
    Optional<Principal> authenticate(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String username = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        TwilioApiKey key = this.apiKeys.get(username);
        Account account = this.accounts.get((key != null) ? key.accountSid() : username);
        String secret = (key != null) ? key.keySecret() : (account != null) ? account.authToken() : null;
        if (account == null || secret == null || !matches(secret, password) || !account.status().equals("active")) {
            return Optional.empty();
        }
        return Optional.of(new Principal(account.sid(), key != null));
    }

    /** Whether the principal may use resources under {@code /Accounts/{accountSid}}: its own, or its subaccounts'. */
    boolean mayActOn(Principal principal, String accountSid) {
        if (principal.accountSid().equals(accountSid)) {
            return true;
        }
        Account target = this.accounts.get(accountSid);
        return target != null && principal.accountSid().equals(target.ownerSid());
    }

    Optional<Account> find(String sid) {
        return Optional.ofNullable(this.accounts.get(sid));
    }

    /** A new active subaccount of {@code ownerSid}, with its own auth token. */
    Account createSubaccount(String ownerSid, String friendlyName, Instant now) {
        Account subaccount = new Account(TwilioFormat.sid("AC"), TwilioFormat.secret(), ownerSid,
                friendlyName, "active", now, now);
        this.accounts.put(subaccount.sid(), subaccount);
        return subaccount;
    }

    /** The account itself and its subaccounts, newest first. */
    List<Account> visibleTo(String accountSid) {
        return this.accounts.values()
            .stream()
            .filter(account -> account.sid().equals(accountSid) || accountSid.equals(account.ownerSid()))
            .sorted(Comparator.comparing(Account::dateCreated).reversed())
            .toList();
    }

    /** Renames and/or changes the status of an account; a closed account stays closed (21479). */
    Account update(String sid, @Nullable String friendlyName, @Nullable String status, Instant now) {
        return this.accounts.computeIfPresent(sid, (key, account) -> {
            if (status != null && account.status().equals("closed") && !status.equals("closed")) {
                throw TwilioException.badRequest(21479, "Cannot reopen a closed subaccount");
            }
            return new Account(account.sid(), account.authToken(), account.ownerSid(),
                    (friendlyName != null) ? friendlyName : account.friendlyName(),
                    (status != null) ? status : account.status(), account.dateCreated(), now);
        });
    }

    /** The auth token that signs webhooks for this account, if the account exists. */
    Optional<String> authToken(String accountSid) {
        return find(accountSid).map(Account::authToken);
    }

    private static boolean matches(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /** A Twilio account; {@code ownerSid} is the parent of a subaccount, {@code null} for a main account. */
    record Account(String sid, String authToken, @Nullable String ownerSid, String friendlyName, String status,
            Instant dateCreated, Instant dateUpdated) {

        /** The SID only: the token is never printed. */
        @Override
        public String toString() {
            return "Account[" + this.sid + "]";
        }
    }

    /** An authenticated caller: the account it acts as, and whether it used an API key rather than the token. */
    record Principal(String accountSid, boolean apiKey) {
    }
}
