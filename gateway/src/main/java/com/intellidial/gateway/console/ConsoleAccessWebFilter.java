package com.intellidial.gateway.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.admin.AdminRole;
import com.intellidial.gateway.admin.AdminTokens;
import com.intellidial.gateway.admin.AuditLog;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;

/**
 * The one gate of {@code /console/**}. Only the session cookie opens it (an {@code Authorization}
 * header, tenant key or admin token, is ignored); a page without a session redirects to sign-in, a
 * post without one is refused. Every post must carry the session's CSRF token ({@code _csrf}), a
 * viewer may not post at all, and every post leaves one audit row (actor {@code admin:<token id>},
 * action {@code console POST <route>}) written before the answer is committed, as the admin API does.
 */
final class ConsoleAccessWebFilter implements WebFilter, Ordered {

    static final String COOKIE = "igw_console";

    static final String SESSION = ConsoleAccessWebFilter.class.getName() + ".session";

    static final String CSRF_FIELD = "_csrf";

    private static final Logger log = LoggerFactory.getLogger(ConsoleAccessWebFilter.class);

    private final ConsoleSessions sessions;

    private final AuditLog audit;

    private final AdminTokens tokens;

    private final Clock clock;

    ConsoleAccessWebFilter(ConsoleSessions sessions, AuditLog audit, AdminTokens tokens, Clock clock) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return FilterOrder.ADMIN_ACCESS + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<String> segments = segments(exchange.getRequest().getPath().pathWithinApplication());
        if (segments.isEmpty() || !segments.get(0).equals("console")) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        // Decoded segments, as the handler mapping reads them: no spelling of a page skips the gate.
        if ((segments.size() > 1 && segments.get(1).equals("assets"))
                || (segments.size() == 2 && segments.get(1).equals("sign-in"))) {
            return chain.filter(exchange);
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
        ConsoleSessions.Session found = this.sessions.find((cookie != null) ? cookie.getValue() : null);
        if (found == null) {
            return gate(exchange, chain, null, segments);
        }
        // A session lasts only as long as its token: revoking or expiring the token signs it out.
        return this.tokens.isActive(found.principal().tokenId()).flatMap(active -> {
            if (!active) {
                this.sessions.end(found.id());
            }
            return gate(exchange, chain, active ? found : null, segments);
        });
    }

    private Mono<Void> gate(ServerWebExchange exchange, WebFilterChain chain, ConsoleSessions.@Nullable Session session,
            List<String> segments) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        boolean read = isRead(exchange.getRequest().getMethod());
        if (session == null) {
            if (read) {
                exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
                headers.setLocation(URI.create("/console/sign-in"));
                return exchange.getResponse().setComplete();
            }
            return refuse(exchange, HttpStatus.FORBIDDEN, "Your session has ended; sign in again.");
        }
        exchange.getAttributes().put(SESSION, session);
        if (read) {
            return chain.filter(exchange);
        }
        return exchange.getFormData().flatMap(form -> {
            String presented = form.getFirst(CSRF_FIELD);
            // A refused post is audited too; no handler matched it, so its tenant comes from the path.
            if (segments.size() > 2 && segments.get(1).equals("tenants")) {
                exchange.getAttributes().putIfAbsent(GatewayAttributes.AUDIT_TENANT, segments.get(2));
            }
            exchange.getResponse().beforeCommit(() -> record(exchange, session));
            if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    session.csrf().getBytes(StandardCharsets.UTF_8))) {
                return refuse(exchange, HttpStatus.FORBIDDEN, "This form has expired or did not come from the console; reload the page and try again.");
            }
            if (session.principal().role() == AdminRole.VIEWER) {
                return refuse(exchange, HttpStatus.FORBIDDEN, "Your admin token may only read (role viewer).");
            }
            return chain.filter(exchange);
        });
    }

    /** A small HTML page with the reason, never a stack trace. */
    static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String message) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status.value()
                + " " + HtmlUtils.htmlEscape(status.getReasonPhrase()) + " · Intellidial console</title>"
                + "<link rel=\"stylesheet\" href=\"/console/assets/console.css\"></head><body><main>"
                + "<h1>" + HtmlUtils.htmlEscape(status.getReasonPhrase()) + "</h1><p role=\"alert\" class=\"error\">"
                + HtmlUtils.htmlEscape(message) + "</p><p><a href=\"/console\">Back to the console</a></p></main></body></html>";
        DataBuffer body = response.bufferFactory().wrap(html.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }

    private Mono<Void> record(ServerWebExchange exchange, ConsoleSessions.Session session) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        AuditLog.Entry entry = new AuditLog.Entry(this.clock.instant(), session.principal().actor(), action(exchange),
                tenantId(exchange), GatewayAttributes.requestId(exchange), (status != null) ? status.value() : 200);
        return this.audit.append(entry).onErrorResume(ex -> {
            log.error("Could not append to the audit log: {} by {} on tenant {} ({})", entry.action(), entry.actor(),
                    entry.tenantId(), ex.toString());
            return Mono.empty();
        });
    }

    private static String action(ServerWebExchange exchange) {
        Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String route = (pattern instanceof PathPattern matched) ? matched.getPatternString()
                : exchange.getRequest().getPath().pathWithinApplication().value();
        String action = "console " + exchange.getRequest().getMethod().name() + " " + route;
        return (action.length() > 300) ? action.substring(0, 300) : action;
    }

    private static @Nullable String tenantId(ServerWebExchange exchange) {
        Object variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Object tenant = (variables instanceof Map<?, ?> map) ? map.get("tenantId") : null;
        return (tenant instanceof String id) ? id : GatewayAttributes.get(exchange, GatewayAttributes.AUDIT_TENANT, String.class);
    }

    private static List<String> segments(PathContainer path) {
        List<String> segments = new ArrayList<>();
        for (PathContainer.Element element : path.elements()) {
            if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
                segments.add(segment.valueToMatch());
            }
        }
        return segments;
    }

    private static boolean isRead(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }
}
