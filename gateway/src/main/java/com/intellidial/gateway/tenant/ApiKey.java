package com.intellidial.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway API key, {@code igw_<env>_<keyId>_<secret>}. The key id is public (it finds the key's
 * row); only {@code sha256(secret)} is ever stored. {@link #toString()} never prints the secret.
 */
public final class ApiKey {

    /** Longest key accepted; longer input is rejected before any parsing work. */
    static final int MAX_LENGTH = 200;

    private static final Pattern FORMAT = Pattern
        .compile("igw_([a-z0-9]{1,16})_([a-z0-9]{1,32})_([A-Za-z0-9]{16,128})");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String env;

    private final String keyId;

    private final String secret;

    private ApiKey(String env, String keyId, String secret) {
        this.env = env;
        this.keyId = keyId;
        this.secret = secret;
    }

    /** Parses a presented key; empty when it does not have the key format. */
    public static Optional<ApiKey> parse(String presented) {
        if (presented.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(presented);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ApiKey(matcher.group(1), matcher.group(2), matcher.group(3)));
    }

    /** Creates a new random key (32 hex characters of secret) for the given environment and key id. */
    public static ApiKey generate(String env, String keyId) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        ApiKey key = new ApiKey(env, keyId, HexFormat.of().formatHex(bytes));
        return parse(key.value()).orElseThrow(() -> new IllegalArgumentException("invalid env or key id"));
    }

    public String env() {
        return this.env;
    }

    public String keyId() {
        return this.keyId;
    }

    /** The full key as the client sends it; show it once, never log it. */
    public String value() {
        return "igw_" + this.env + "_" + this.keyId + "_" + this.secret;
    }

    /** SHA-256 of the secret part, the only form that is stored. */
    public byte[] secretHash() {
        return sha256(this.secret);
    }

    /** Whether the secret hashes to {@code expectedHash}, compared in constant time. */
    public boolean matches(byte[] expectedHash) {
        return MessageDigest.isEqual(secretHash(), expectedHash);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[igw_" + this.env + "_" + this.keyId + "_<redacted>]";
    }
}
