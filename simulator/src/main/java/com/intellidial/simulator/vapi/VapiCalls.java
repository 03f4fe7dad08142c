package com.intellidial.simulator.vapi;

import com.intellidial.simulator.http.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** How {@code POST /call} differs from a plain create: a queued status, a call type and subscription limits. */
final class VapiCalls {

    /** VAPI's default concurrency: every account has 10 call slots. */
    static final int CONCURRENCY_LIMIT = 10;

    private VapiCalls() {
    }

    /** The {@link VapiFamily.Creator} for {@code /call}. */
    static JsonNode create(VapiResources resources, VapiFamily family, VapiRequest request, ObjectNode body) {
        ObjectNode created = resources.insert(family, request.orgId(), call(body)).deepCopy();
        created.set("subscriptionLimits", subscriptionLimits(1));
        return created;
    }

    /** The stored call for a create body: queued, outbound when it names a phone number and a customer. */
    private static ObjectNode call(ObjectNode body) {
        ObjectNode call = body.deepCopy();
        boolean phone = body.hasNonNull("phoneNumberId") || body.hasNonNull("phoneNumber");
        boolean customer = body.hasNonNull("customer") || body.hasNonNull("customerId");
        call.put("type", (phone && customer) ? "outboundPhoneCall" : "webCall");
        call.put("status", "queued");
        return call;
    }

    private static ObjectNode subscriptionLimits(int callsCreated) {
        ObjectNode limits = Json.object();
        limits.put("concurrencyBlocked", false);
        limits.put("concurrencyLimit", CONCURRENCY_LIMIT);
        limits.put("remainingConcurrentCalls", CONCURRENCY_LIMIT - callsCreated);
        return limits;
    }
}
