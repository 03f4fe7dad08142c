package com.intellidial.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.http.HttpHeaders;

import com.intellidial.gateway.web.GatewayHeaders;

/**
 * Signs webhooks the gateway relays to a tenant: {@code X-Intellidial-Signature} is the hex
 * HMAC-SHA256 of {@code timestamp + "." + body}, keyed by the tenant's {@code signing_secret}, and
 * {@code X-Intellidial-Timestamp} the seconds since the epoch, so the tenant can verify the origin
 * and refuse replays.
 */
public final class RelaySigner {

    private RelaySigner() {
    }

    /** The signature of {@code body} sent at {@code epochSeconds}. */
    public static String signature(String signingSecret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", ex);
        }
    }

    /** Sets both relay headers on {@code headers}. */
    public static void sign(HttpHeaders headers, String signingSecret, long epochSeconds, byte[] body) {
        headers.set(GatewayHeaders.INTELLIDIAL_TIMESTAMP, Long.toString(epochSeconds));
        headers.set(GatewayHeaders.INTELLIDIAL_SIGNATURE, signature(signingSecret, epochSeconds, body));
    }
}
