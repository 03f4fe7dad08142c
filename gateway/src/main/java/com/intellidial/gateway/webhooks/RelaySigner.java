package com.intellidial.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.http.HttpHeaders;

import com.intellidial.gateway.web.GatewayHeaders;

/**
 * Signs webhooks the gateway relays to a tenant, and verifies such signatures: lowercase hex
 * HMAC-SHA256, keyed with the tenant's signing secret, over the ASCII decimal timestamp (seconds
 * since the epoch), a {@code .}, and the raw body bytes. Sent as
 * {@code X-Intellidial-Signature: v1=<hex>} with {@code X-Intellidial-Timestamp: <seconds>}, so the
 * tenant can verify the origin and refuse replays. Used for relayed VAPI and Twilio webhooks alike.
 */
public final class RelaySigner {

    private static final String ALGORITHM = "HmacSHA256";

    /** The scheme version prefixed to the signature header value. */
    private static final String VERSION = "v1=";

    private RelaySigner() {
    }

    /**
     * The signature of one relayed message.
     * @param secret the tenant's signing secret (UTF-8 bytes of {@code signing_secret})
     * @param timestampSeconds the value sent in {@code X-Intellidial-Timestamp}
     * @param body the exact body bytes sent
     * @return lowercase hex HMAC-SHA256 over {@code timestamp + "." + body}
     */
    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret, timestampSeconds, body));
    }

    /**
     * Sets both relay headers: {@code X-Intellidial-Timestamp} and {@code X-Intellidial-Signature: v1=<hex>}.
     * @param headers the outgoing request's headers
     * @param signingSecret the tenant's {@code signing_secret}
     * @param timestampSeconds seconds since the epoch, now
     * @param body the exact body bytes sent
     */
    public static void sign(HttpHeaders headers, String signingSecret, long timestampSeconds, byte[] body) {
        headers.set(GatewayHeaders.INTELLIDIAL_TIMESTAMP, Long.toString(timestampSeconds));
        headers.set(GatewayHeaders.INTELLIDIAL_SIGNATURE,
                VERSION + sign(signingSecret.getBytes(StandardCharsets.UTF_8), timestampSeconds, body));
    }

    /**
     * Whether {@code signatureHex} is the signature of this message; compares in constant time.
     * @param secret the tenant's signing secret
     * @param timestampSeconds the timestamp the signature claims
     * @param body the body bytes as received
     * @param signatureHex the hex signature, with or without the {@code v1=} prefix
     * @return true only for the exact signature
     */
    public static boolean verify(byte[] secret, long timestampSeconds, byte[] body, String signatureHex) {
        String hex = signatureHex.startsWith(VERSION) ? signatureHex.substring(VERSION.length()) : signatureHex;
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(hex);
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, timestampSeconds, body), presented);
    }

    private static byte[] hmac(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        }
        catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA256 is unavailable", ex);
        }
    }
}
