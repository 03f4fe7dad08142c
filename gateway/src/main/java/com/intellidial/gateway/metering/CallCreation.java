package com.intellidial.gateway.metering;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

import com.intellidial.gateway.web.GatewayAttributes;

/** Recognizes VAPI call creation and the call ids it created, for metering and budgets. */
final class CallCreation {

    private static final String CATALOG_ENTRY = "vapi.call.create";

    private CallCreation() {
    }

    /**
     * Whether the exchange is {@code POST /vapi/call}: by its catalog entry once isolation matched
     * it, else by method and path (budgets run before isolation).
     */
    static boolean isCallCreate(ServerWebExchange exchange, @Nullable String catalogEntry) {
        if (catalogEntry != null) {
            return CATALOG_ENTRY.equals(catalogEntry);
        }
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return HttpMethod.POST.equals(exchange.getRequest().getMethod())
                && (path.equals("/vapi/call") || path.equals("/vapi/call/"));
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
