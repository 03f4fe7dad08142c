package com.intellidial.gateway.admin;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/** Admin tokens: mint (role admin or viewer, optional expiry; the token is shown once), list, revoke. */
@RestController
class AdminTokenController {

    private final AdminTokens tokens;

    AdminTokenController(AdminTokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping("/admin/v1/admin-tokens")
    Mono<ResponseEntity<AdminTokens.IssuedToken>> create(@RequestBody(required = false) @Nullable JsonNode body,
            ServerWebExchange exchange) {
        return Mono.defer(() -> {
            Input input = Input.of(body, "name", "role", "expiresAt");
            String name = input.requiredText("name", TenantAdminController.NAME, "must be 1 to 200 characters");
            String role = input.requiredText("role", Pattern.compile("admin|viewer"), "must be admin or viewer");
            AdminPrincipal creator = GatewayAttributes.get(exchange, GatewayAttributes.ADMIN, AdminPrincipal.class);
            return this.tokens.create(name, AdminRole.fromWire(role), TenantAdminController.expiry(input),
                    (creator != null) ? creator.actor() : "unknown");
        }).map(issued -> ResponseEntity.status(HttpStatus.CREATED).body(issued));
    }

    @GetMapping("/admin/v1/admin-tokens")
    Mono<Map<String, List<AdminTokens.TokenInfo>>> list() {
        return this.tokens.list().map(items -> Map.of("items", items));
    }

    @PostMapping("/admin/v1/admin-tokens/{tokenId}/revoke")
    Mono<ResponseEntity<Void>> revoke(@PathVariable String tokenId) {
        return this.tokens.revoke(tokenId).flatMap(revoked -> revoked ? Mono.just(ResponseEntity.noContent().<Void>build())
                : Mono.error(new GatewayException(ProblemType.NOT_FOUND, "No such admin token")));
    }
}
