package com.intellidial.gateway.isolation;

import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Removes upstream credentials from what VAPI answers or sends, at any depth. Numbers of shared-pool
 * and platform-Twilio tenants are imported with the platform's (or a subaccount's) Twilio
 * credentials, and VAPI's {@code TwilioPhoneNumber} returns them ({@code twilioAccountSid},
 * {@code twilioAuthToken}, {@code twilioApiKey}, {@code twilioApiSecret}); a tenant holding them
 * could call Twilio directly, unmetered. Free-form {@code metadata} (the tenant's own data) is left
 * alone.
 */
public final class UpstreamSecrets {

    /** Credential fields of VAPI's response schemas (phone numbers, credentials, provider configs). */
    static final Set<String> FIELDS = Set.of("twilioAccountSid", "twilioAuthToken", "twilioApiKey", "twilioApiSecret",
            "vonageApplicationPrivateKey", "accountSid", "authToken", "apiKey", "apiSecret", "secretKey",
            "secretAccessKey", "awsSecretAccessKey", "SecretAccessKey", "privateKey", "privateKeyId", "clientSecret",
            "hmacSecret", "jwtSecret", "password", "authPassword", "accessToken", "refreshToken", "sessionToken",
            "SessionToken");

    private static final String METADATA = "metadata";

    private static final int MAX_DEPTH = 256;

    private UpstreamSecrets() {
    }

    /**
     * Removes every credential field from the tree, in place.
     * @param node a parsed JSON answer or message
     * @return whether anything was removed
     */
    public static boolean strip(JsonNode node) {
        return strip(node, 0);
    }

    private static boolean strip(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        boolean removed = false;
        if (node instanceof ObjectNode object) {
            for (String field : FIELDS) {
                removed |= object.remove(field) != null;
            }
            for (var child : object.properties()) {
                if (!child.getKey().equals(METADATA)) {
                    removed |= strip(child.getValue(), depth + 1);
                }
            }
        }
        else if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                removed |= strip(child, depth + 1);
            }
        }
        return removed;
    }
}
