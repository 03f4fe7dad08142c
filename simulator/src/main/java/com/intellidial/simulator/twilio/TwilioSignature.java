package com.intellidial.simulator.twilio;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes {@code X-Twilio-Signature} exactly as Twilio does for form-encoded webhooks: Base64 of HMAC-SHA1, keyed by
 * the account's auth token, over the full URL followed by every POST parameter as name + value, sorted by name.
 * Tests may use it to sign webhooks they send to the gateway.
 */
public final class TwilioSignature {

    private TwilioSignature() {
    }

    /** The signature of a webhook POSTed to {@code url} with these form parameters (empty for a GET). */
    public static String sign(String authToken, String url, Map<String, String> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA1 is required of every Java platform", ex);
        }
    }
}
