package com.intellidial.simulator.twilio;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.SimulatorConfig.TwilioApiKey;
import org.jspecify.annotations.Nullable;

/** Twilio accounts and API keys, and the Basic-auth and account-scope rules over them. */
final class TwilioAccounts {

    private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();

    private final Map<String, TwilioApiKey> apiKeys;

    TwilioAccounts(SimulatorConfig config) {
        config.twilioAccounts().forEach((sid, token) -> this.accounts.put(sid, new Account(sid, token, null)));
        this.apiKeys = Map.copyOf(config.twilioApiKeys()
            .stream()
            .collect(Collectors.toMap(TwilioApiKey::keySid, key -> key)));
    }

    /** Who a Basic {@code Authorization} header authenticates: an account by its token or one of its API keys. */
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
        if (key != null) {
            return matches(key.keySecret(), password)
                    ? Optional.of(new Principal(this.accounts.get(key.accountSid()), true)) : Optional.empty();
        }
        Account account = this.accounts.get(username);
        return (account != null && matches(account.authToken(), password))
                ? Optional.of(new Principal(account, false)) : Optional.empty();
    }

    /** Whether the principal may use resources under {@code /Accounts/{accountSid}}: its own, or its subaccounts'. */
    boolean mayActOn(Principal principal, String accountSid) {
        if (principal.account().sid().equals(accountSid)) {
            return true;
        }
        Account target = this.accounts.get(accountSid);
        return target != null && principal.account().sid().equals(target.ownerSid());
    }

    private static boolean matches(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /** A Twilio account; {@code ownerSid} is the parent of a subaccount, {@code null} for a main account. */
    record Account(String sid, String authToken, @Nullable String ownerSid) {

        /** The SID only: the token is never printed. */
        @Override
        public String toString() {
            return "Account[" + this.sid + "]";
        }
    }

    /** An authenticated caller: the account it acts as, and whether it used an API key rather than the token. */
    record Principal(Account account, boolean apiKey) {
    }
}
