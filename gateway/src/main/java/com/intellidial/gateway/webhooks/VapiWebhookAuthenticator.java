package com.intellidial.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Checks that a server message really comes from VAPI: it must carry the tenant's own VAPI webhook
 * credential (vapi.md section 5.7), read from the secret store at {@code tenants/{id}/vapi-webhook}
 * (onboarding creates it), so a secret that leaks opens one tenant's webhook only. A tenant without
 * one (set up before per-tenant credentials) is checked against the platform's, at
 * {@code platform/vapi-webhook}; once a tenant has its own, the platform's is refused for it.
 * <ul>
 * <li>HMAC ({@code hmac_secret}): hex HMAC-SHA256 over {@code {timestamp}.{body}} in the signature
 * header, with a timestamp within the allowed clock skew (replays of old messages fail).</li>
 * <li>Bearer ({@code bearer_token}): the token in the bearer header, compared in constant time.</li>
 * </ul>
 * No credential presented: 401. A credential presented but wrong, stale or of a kind the platform
 * has not configured: 403. Nothing configured: 503, fail closed.
 */
class VapiWebhookAuthenticator {

    private static final String HMAC = "HmacSHA256";

    private static final long MILLIS_THRESHOLD = 100_000_000_000L;

    private final SecretStore secrets;

    private final WebhooksProperties.Vapi properties;

    private final Clock clock;

    VapiWebhookAuthenticator(SecretStore secrets, WebhooksProperties.Vapi properties, Clock clock) {
        this.secrets = secrets;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Completes when the message is authentic; else fails with the problem to answer.
     * @param tenantId the tenant of the webhook URL, whose credential is checked
     * @param headers the request headers
     * @param body the raw body, exactly as received
     */
    Mono<Void> authenticate(String tenantId, HttpHeaders headers, byte[] body) {
        String signature = headers.getFirst(this.properties.signatureHeader());
        String bearer = headers.getFirst(this.properties.bearerHeader());
        if (isBlank(signature) && isBlank(bearer)) {
            return Mono.error(new GatewayException(ProblemType.UNAUTHENTICATED, "Missing VAPI webhook credential.")
                .withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
        }
        Mono<Secret> tenantOwn = Tenant.ID_PATTERN.matcher(tenantId).matches()
                ? this.secrets.read(SecretPath.tenantVapiWebhook(tenantId)) : Mono.empty();
        return tenantOwn.switchIfEmpty(Mono.defer(() -> this.secrets.read(SecretPath.platformVapiWebhook())))
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "The VAPI webhook credential is not configured.")))
            .flatMap(secret -> verify(secret, headers, signature, bearer, body)
                    ? Mono.<Void>empty() : Mono.error(forbidden()));
    }

    private boolean verify(Secret secret, HttpHeaders headers, @Nullable String signature, @Nullable String bearer,
            byte[] body) {
        String hmacSecret = secret.field("hmac_secret");
        String token = secret.field("bearer_token");
        if (hmacSecret == null && token == null) {
            throw new GatewayException(ProblemType.SERVICE_UNAVAILABLE, "The VAPI webhook credential is not configured.");
        }
        if (!isBlank(signature)) {
            return hmacSecret != null && verifyHmac(hmacSecret, headers.getFirst(this.properties.timestampHeader()),
                    signature, body);
        }
        return token != null && bearer != null && constantTimeEquals(token, stripBearer(bearer));
    }

    private boolean verifyHmac(String secret, @Nullable String timestamp, String signature, byte[] body) {
        if (isBlank(timestamp) || !withinSkew(timestamp.trim())) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(stripPrefix(signature.trim()));
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, timestamp.trim(), body), presented);
    }

    private boolean withinSkew(String timestamp) {
        long value;
        try {
            value = Long.parseLong(timestamp);
        }
        catch (NumberFormatException ex) {
            return false;
        }
        Instant signedAt = (value >= MILLIS_THRESHOLD) ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        return Duration.between(signedAt, this.clock.instant()).abs().compareTo(this.properties.maxClockSkew()) <= 0;
    }

    /** Signs {@code {timestamp}.{body}} the way VAPI's HMAC credential does with its default payload format. */
    static byte[] hmac(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        }
        catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA256 is unavailable", ex);
        }
    }

    /** A signature prefix such as {@code sha256=} or {@code v1=} is allowed and ignored. */
    private static String stripPrefix(String signature) {
        int equals = signature.indexOf('=');
        return (equals >= 0) ? signature.substring(equals + 1) : signature;
    }

    private static String stripBearer(String value) {
        String trimmed = value.trim();
        return trimmed.regionMatches(true, 0, "Bearer ", 0, 7) ? trimmed.substring(7).trim() : trimmed;
    }

    private static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private static GatewayException forbidden() {
        return new GatewayException(ProblemType.FORBIDDEN, "Invalid VAPI webhook credential.");
    }
}
