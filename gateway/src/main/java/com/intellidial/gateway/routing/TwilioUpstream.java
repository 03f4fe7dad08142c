package com.intellidial.gateway.routing;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.intellidial.gateway.credentials.Credential;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Twilio: HTTP Basic with an Account SID and auth token, or an API key SID and secret. Whatever
 * account the client put in the path, the request goes to the tenant's own account; account-level
 * operations ({@code /Accounts.json}, {@code /Accounts/{sid}.json}) are never proxied.
 */
final class TwilioUpstream implements Upstream {

    static final String NAME = "twilio";

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    /** {@code /2010-04-01/Accounts/{any}/<resource...>}: only account sub-resources are proxied. */
    private static final Pattern ACCOUNT_SCOPED = Pattern.compile("(/2010-04-01/Accounts/)[^/]+(/[^/].*)");

    private final URI baseUri;

    TwilioUpstream(URI baseUri) {
        this.baseUri = baseUri;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public URI baseUri() {
        return this.baseUri;
    }

    @Override
    public SecretPath secretPath(Tenant tenant) {
        return switch (tenant.telephonyMode()) {
            case VAPI_NUMBER -> throw new GatewayException(ProblemType.FORBIDDEN,
                    "Twilio is not enabled for this tenant (telephony mode " + TelephonyMode.VAPI_NUMBER.wire() + ")");
            case SHARED_POOL -> SecretPath.platformTwilio();
            case PLATFORM_TWILIO, BYO_TWILIO -> SecretPath.tenantTwilio(tenant.id());
        };
    }

    @Override
    public boolean sharedCredential(Tenant tenant) {
        return tenant.telephonyMode() == TelephonyMode.SHARED_POOL;
    }

    /**
     * Twilio authenticates the Basic credential before it looks at the resource and answers 401
     * (error 20003); a 401 therefore means no call was placed and no message was sent.
     */
    @Override
    public boolean rejectsUnauthenticatedBeforeProcessing() {
        return true;
    }

    @Override
    public Credential credential(Secret secret) {
        String accountSid = secret.field("account_sid");
        if (accountSid == null || !ACCOUNT_SID.matcher(accountSid).matches()) {
            throw unavailable();
        }
        String authToken = secret.field("auth_token");
        if (authToken != null) {
            return Credential.twilio(accountSid, accountSid, authToken, secret.version());
        }
        String keySid = secret.field("api_key_sid");
        String keySecret = secret.field("api_key_secret");
        if (keySid != null && keySecret != null) {
            return Credential.twilio(accountSid, keySid, keySecret, secret.version());
        }
        throw unavailable();
    }

    @Override
    public URI scope(URI target, Credential credential) {
        Matcher matcher = ACCOUNT_SCOPED.matcher(target.getRawPath());
        if (!matcher.matches()) {
            throw new GatewayException(ProblemType.NOT_FOUND,
                    "Only resources below /2010-04-01/Accounts/{AccountSid}/ are available");
        }
        String scoped = matcher.group(1) + credential.accountSid() + matcher.group(2);
        return UriComponentsBuilder.fromUri(target).replacePath(scoped).build(true).toUri();
    }

    private static GatewayException unavailable() {
        return new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE, "The Twilio credential is not configured");
    }
}
