package com.intellidial.gateway.admin;

import java.time.Clock;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * The one gate of {@code /admin/**}: every request there needs an admin token
 * ({@code Authorization: Bearer igw_admin_<id>_<secret>}; tenant keys get 401), a viewer token may
 * only read (403 on writes), and every authenticated request leaves exactly one audit row, written
 * before the answer is committed. No handler checks a token itself.
 * <p>
 * The path is decided the way the handler mapping decides it: decoded segments without
 * {@code ;} parameters, so no spelling of an admin route gets past this filter.
 */
final class AdminAccessWebFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(AdminAccessWebFilter.class);

    private static final String BEARER = "Bearer ";

    private final AdminTokens tokens;

    private final AuditLog audit;

    private final Clock clock;

    private final boolean publicApiDocs;

    AdminAccessWebFilter(AdminTokens tokens, AuditLog audit, Clock clock, boolean publicApiDocs) {
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.publicApiDocs = publicApiDocs;
    }

    @Override
    public int getOrder() {
        return FilterOrder.ADMIN_ACCESS;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!isAdminPath(path) || (this.publicApiDocs && isApiDocs(path) && isRead(exchange.getRequest().getMethod()))) {
            return chain.filter(exchange);
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return this.tokens.authenticate(bearer ? authorization.substring(BEARER.length()).trim() : null,
                exchange.getRequest().getRemoteAddress()).flatMap(principal -> {
            exchange.getAttributes().put(GatewayAttributes.ADMIN, principal);
            exchange.getResponse().beforeCommit(() -> record(exchange, principal));
            if (principal.role() == AdminRole.VIEWER && !isRead(exchange.getRequest().getMethod())) {
                return Mono.error(new GatewayException(ProblemType.FORBIDDEN, "This admin token may only read (role viewer)"));
            }
            return chain.filter(exchange);
        });
    }

    /** Whether the path, as the handler mapping reads it, is under {@code /admin}. */
    static boolean isAdminPath(PathContainer path) {
        String first = null;
        for (PathContainer.Element element : path.elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                // The first non-empty segment, decoded and without ;parameters, as handlers match it.
                if (segment.valueToMatch().isEmpty()) {
                    continue;
                }
                first = segment.valueToMatch();
                break;
            }
        }
        return "admin".equals(first);
    }

    /** {@code /admin/v1/openapi.json} (and its Swagger UI config) or {@code /admin/v1/docs}, exactly as spelled. */
    private static boolean isApiDocs(PathContainer path) {
        String value = path.value();
        return value.equals("/admin/v1/openapi.json") || value.equals("/admin/v1/openapi.json/swagger-config")
                || value.equals("/admin/v1/docs");
    }

    private static boolean isRead(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method);
    }

    private Mono<Void> record(ServerWebExchange exchange, AdminPrincipal principal) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        AuditLog.Entry entry = new AuditLog.Entry(this.clock.instant(), principal.actor(), action(exchange), tenantId(exchange),
                GatewayAttributes.requestId(exchange), (status != null) ? status.value() : 200);
        return this.audit.append(entry).onErrorResume(ex -> {
            log.error("Could not append to the audit log: {} by {} on tenant {} ({})", entry.action(), entry.actor(),
                    entry.tenantId(), ex.toString());
            return Mono.empty();
        });
    }

    /** The method and the route pattern that matched ({@code POST /admin/v1/tenants/{tenantId}/keys}). */
    private static String action(ServerWebExchange exchange) {
        Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String route = (pattern instanceof PathPattern matched) ? matched.getPatternString()
                : exchange.getRequest().getPath().pathWithinApplication().value();
        String action = exchange.getRequest().getMethod().name() + " " + route;
        return (action.length() > 300) ? action.substring(0, 300) : action;
    }

    private static @Nullable String tenantId(ServerWebExchange exchange) {
        Object variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Object tenant = (variables instanceof Map<?, ?> map) ? map.get("tenantId") : null;
        return (tenant instanceof String id) ? id : GatewayAttributes.get(exchange, GatewayAttributes.AUDIT_TENANT, String.class);
    }
}
