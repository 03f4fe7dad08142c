package com.intellidial.gateway.metering;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

import com.intellidial.gateway.web.GatewayAttributes;

/** Recognizes VAPI call creation and the call ids it created, for metering and budgets. */
final class CallCreation {

    private static final String CATALOG_ENTRY = "vapi.call.create";

    private CallCreation() {
    }

    /** Whether the catalog entry creates VAPI calls ({@code POST /call}, single or batch). */
    static boolean isCallCreate(@Nullable String catalogEntry) {
        return CATALOG_ENTRY.equals(catalogEntry);
    }

    /**
     * The ids isolation read from a successful create response
     * ({@link GatewayAttributes#CREATED_RESOURCES}, set by isolation); empty when none were read.
     */
    static List<String> createdIds(ServerWebExchange exchange) {
        Object created = exchange.getAttribute(GatewayAttributes.CREATED_RESOURCES);
        if (!(created instanceof List<?> ids)) {
            return List.of();
        }
        return ids.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
}
