package com.intellidial.gateway.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * An upstream credential ready to attach to a request: the {@code Authorization} header value plus,
 * for Twilio, the Account SID that goes into the path. Never printed: {@link #toString()} redacts.
 */
public final class Credential {

    private final String authorization;

    private final @Nullable String accountSid;

    private final long version;

    private Credential(String authorization, @Nullable String accountSid, long version) {
        Assert.hasText(authorization, "authorization must not be empty");
        this.authorization = authorization;
        this.accountSid = accountSid;
        this.version = version;
    }

    /** A bearer credential (VAPI private key). */
    public static Credential bearer(String token, long version) {
        Assert.hasText(token, "token must not be empty");
        return new Credential("Bearer " + token, null, version);
    }

    /** A Basic credential for a Twilio account: user is the Account SID or an API key SID. */
    public static Credential twilio(String accountSid, String username, String password, long version) {
        Assert.hasText(accountSid, "accountSid must not be empty");
        Assert.hasText(username, "username must not be empty");
        Assert.hasText(password, "password must not be empty");
        String basic = Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Credential("Basic " + basic, accountSid, version);
    }

    /** The value of the {@code Authorization} header to send upstream. */
    public String authorization() {
        return this.authorization;
    }

    /** The Twilio Account SID the request must be scoped to; {@code null} for VAPI. */
    public @Nullable String accountSid() {
        return this.accountSid;
    }

    /** The secret store version this credential was read from. */
    public long version() {
        return this.version;
    }

    /** Whether {@code other} would send exactly the same secret and scope (ignoring the version). */
    boolean sameSecretAs(Credential other) {
        return this.authorization.equals(other.authorization) && Objects.equals(this.accountSid, other.accountSid);
    }

    @Override
    public String toString() {
        return "Credential[accountSid=" + this.accountSid + ", version=" + this.version + ", value=<redacted>]";
    }
}
