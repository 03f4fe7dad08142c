package com.intellidial.gateway.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.admin.AdminRole;
import com.intellidial.gateway.admin.AdminTokens;
import com.intellidial.gateway.admin.AuditLog;
import com.intellidial.gateway.admin.OnboardingRequests;
import com.intellidial.gateway.onboarding.AssistantTemplates;
import com.intellidial.gateway.onboarding.OffboardingService;
import com.intellidial.gateway.onboarding.OnboardingRequest;
import com.intellidial.gateway.onboarding.OnboardingService;
import com.intellidial.gateway.tenant.ApiKeyEvents;
import com.intellidial.gateway.tenant.KeyService;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantDetails;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * The console's pages. Access, CSRF, roles and audit are {@link ConsoleAccessWebFilter}'s; this
 * class calls the same services the admin API calls and renders their answers (or their errors, as
 * messages).
 */
@Controller
class ConsoleController {

    private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);

    static final String SIGN_IN_COOKIE = "igw_console_signin";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final int PAGE = 20;

    private static final Pattern LABEL = Pattern.compile("[^\\p{Cntrl}]{1,200}");

    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,32}");

    private final ConsoleSessions sessions;

    private final AdminTokens tokens;

    private final AuditLog audit;

    private final TenantRepository tenants;

    private final KeyService keys;

    private final ApiKeyEvents keyEvents;

    private final OnboardingService onboarding;

    private final OffboardingService offboarding;

    private final Clock clock = Clock.systemUTC();

    ConsoleController(ConsoleSessions sessions, AdminTokens tokens, AuditLog audit, TenantRepository tenants, KeyService keys,
            ApiKeyEvents keyEvents, OnboardingService onboarding, OffboardingService offboarding) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
        this.tenants = tenants;
        this.keys = keys;
        this.keyEvents = keyEvents;
        this.onboarding = onboarding;
        this.offboarding = offboarding;
    }

    // ---- sign-in -------------------------------------------------------------------------------

    @GetMapping({ "/console", "/console/" })
    String home() {
        return "redirect:/console/tenants";
    }

    @GetMapping("/console/sign-in")
    Mono<String> signInPage(ServerWebExchange exchange, Model model) {
        return Mono.fromSupplier(() -> signIn(exchange, model, null));
    }

    @PostMapping("/console/sign-in")
    Mono<String> signIn(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            HttpCookie expected = exchange.getRequest().getCookies().getFirst(SIGN_IN_COOKIE);
            String presented = form.getFirst(ConsoleAccessWebFilter.CSRF_FIELD);
            if (expected == null || presented == null || !MessageDigest.isEqual(expected.getValue().getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8))) {
                exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
                return Mono.just(signIn(exchange, model, "This sign-in form has expired; try again."));
            }
            String token = String.valueOf(form.getFirst("token")).strip();
            return this.tokens.authenticate(token, exchange.getRequest().getRemoteAddress()).flatMap(principal -> {
                ConsoleSessions.Session session = this.sessions.start(principal);
                exchange.getResponse().addCookie(cookie(exchange, ConsoleAccessWebFilter.COOKIE, session.id(), ConsoleSessions.TTL));
                exchange.getResponse().addCookie(cookie(exchange, SIGN_IN_COOKIE, "", Duration.ZERO));
                AuditLog.Entry entry = new AuditLog.Entry(this.clock.instant(), principal.actor(), "console POST /console/sign-in",
                        null, GatewayAttributes.requestId(exchange), 303);
                return this.audit.append(entry).thenReturn("redirect:/console/tenants");
            }).onErrorResume(GatewayException.class, ex -> {
                exchange.getResponse().setStatusCode(ex.type() == ProblemType.UNAUTHENTICATED ? HttpStatus.UNAUTHORIZED
                        : ex.type().status());
                return Mono.just(signIn(exchange, model, ex.type() == ProblemType.UNAUTHENTICATED
                        ? "That admin token was not accepted. Check it and try again (tenant keys cannot sign in)."
                        : ex.detail()));
            });
        });
    }

    private String signIn(ServerWebExchange exchange, Model model, @Nullable String error) {
        String csrf = ConsoleSessions.random();
        exchange.getResponse().addCookie(cookie(exchange, SIGN_IN_COOKIE, csrf, Duration.ofMinutes(30)));
        model.addAttribute("csrf", csrf);
        model.addAttribute("error", error);
        return "console/sign-in";
    }

    @PostMapping("/console/sign-out")
    String signOut(ServerWebExchange exchange) {
        this.sessions.end(session(exchange).id());
        exchange.getResponse().addCookie(cookie(exchange, ConsoleAccessWebFilter.COOKIE, "", Duration.ZERO));
        return "redirect:/console/sign-in";
    }

    // ---- tenants -------------------------------------------------------------------------------

    @GetMapping("/console/tenants")
    Mono<String> tenants(@RequestParam(required = false) @Nullable String q, @RequestParam(defaultValue = "0") String page,
            ServerWebExchange exchange, Model model) {
        int number = parsePage(page);
        String search = (q != null && !q.isBlank()) ? q.strip() : null;
        common(exchange, model, "tenants");
        return this.tenants.list(null, null, null, search, PAGE + 1, (long) number * PAGE).map(found -> {
            model.addAttribute("tenants", found.stream().limit(PAGE).toList());
            model.addAttribute("q", (search != null) ? search : "");
            model.addAttribute("page", number);
            model.addAttribute("hasNext", found.size() > PAGE);
            return "console/tenants";
        });
    }

    @GetMapping("/console/tenants/{tenantId}")
    Mono<String> tenant(@PathVariable String tenantId, @RequestParam(required = false) @Nullable String done,
            ServerWebExchange exchange, Model model) {
        common(exchange, model, "tenants");
        model.addAttribute("done", switch (String.valueOf(done)) {
            case "revoked" -> "The key was revoked; it stops working on every instance within a second.";
            case "suspended" -> "The tenant was suspended; its requests are refused.";
            case "resumed" -> "The tenant was resumed.";
            case "offboarded" -> "The tenant was offboarded; every key was revoked.";
            default -> null;
        });
        return existing(tenantId).flatMap(tenant -> Mono.zip(this.keys.list(tenantId),
                this.audit.query(tenantId, null, null, null, null, 20, 0)).map(both -> {
                    model.addAttribute("tenant", tenant);
                    model.addAttribute("keys", both.getT1());
                    model.addAttribute("audit", both.getT2());
                    return "console/tenant";
                }));
    }

    @PostMapping("/console/tenants/{tenantId}/keys")
    Mono<String> issueKey(@PathVariable String tenantId, ServerWebExchange exchange, Model model) {
        common(exchange, model, "tenants");
        return exchange.getFormData().flatMap(form -> active(tenantId).flatMap(tenant -> {
            String label = blankToNull(form.getFirst("label"));
            if (label != null && !LABEL.matcher(label).matches()) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The label must be 1 to 200 printable characters");
            }
            return this.keys.issue(tenantId, label, null);
        })).map(issued -> issuedPage(exchange, model, tenantId, issued, "New key"));
    }

    @PostMapping("/console/tenants/{tenantId}/keys/{keyId}/rotate")
    Mono<String> rotateKey(@PathVariable String tenantId, @PathVariable String keyId, ServerWebExchange exchange, Model model) {
        common(exchange, model, "tenants");
        return exchange.getFormData().flatMap(form -> active(tenantId).flatMap(tenant -> {
            int hours = parseInt(form.getFirst("graceHours"), 24, 0, (int) KeyService.MAX_GRACE.toHours(),
                    "The grace period must be 0 to 168 hours");
            return validKeyId(keyId).then(this.keys.rotate(tenantId, keyId, Duration.ofHours(hours)))
                .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.NOT_FOUND, "No such active key for this tenant")));
        })).map(issued -> issuedPage(exchange, model, tenantId, issued, "Rotated key"));
    }

    @PostMapping("/console/tenants/{tenantId}/keys/{keyId}/revoke")
    Mono<String> revokeKey(@PathVariable String tenantId, @PathVariable String keyId, ServerWebExchange exchange) {
        return existing(tenantId).then(validKeyId(keyId)).then(this.keys.revoke(tenantId, keyId))
            .flatMap(revoked -> revoked ? Mono.just("redirect:/console/tenants/" + tenantId + "?done=revoked")
                    : Mono.error(new GatewayException(ProblemType.NOT_FOUND, "No such key for this tenant")));
    }

    @PostMapping("/console/tenants/{tenantId}/suspend")
    Mono<String> suspend(@PathVariable String tenantId, ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            if (!"yes".equals(form.getFirst("confirm"))) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "Tick the box to confirm the suspension");
            }
            return status(tenantId, "suspended", exchange);
        });
    }

    @PostMapping("/console/tenants/{tenantId}/resume")
    Mono<String> resume(@PathVariable String tenantId, ServerWebExchange exchange) {
        return status(tenantId, "active", exchange);
    }

    private Mono<String> status(String tenantId, String status, ServerWebExchange exchange) {
        return active(tenantId).flatMap(tenant -> this.tenants.setStatus(tenantId, status))
            .then(this.keyEvents.tenantChanged(tenantId))
            .thenReturn("redirect:/console/tenants/" + tenantId + "?done=" + (status.equals("active") ? "resumed" : "suspended"));
    }

    @PostMapping("/console/tenants/{tenantId}/offboard")
    Mono<String> offboard(@PathVariable String tenantId, ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            if (!tenantId.equals(form.getFirst("confirm"))) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "Type the tenant id to confirm the offboarding");
            }
            return active(tenantId);
        }).flatMap(tenant -> this.offboarding.offboard(tenant.tenant(), false, false, false))
            .thenReturn("redirect:/console/tenants/" + tenantId + "?done=offboarded");
    }

    // ---- onboarding ----------------------------------------------------------------------------

    @GetMapping("/console/onboard")
    Mono<String> onboardForm(ServerWebExchange exchange, Model model) {
        common(exchange, model, "onboard");
        return Mono.fromSupplier(() -> form(model, Map.of(), null));
    }

    @PostMapping("/console/onboard/review")
    Mono<String> review(ServerWebExchange exchange, Model model) {
        common(exchange, model, "onboard");
        return exchange.getFormData().map(form -> {
            Map<String, String> values = form.toSingleValueMap();
            ObjectNode body = onboardingBody(values);
            OnboardingRequest request;
            try {
                request = OnboardingRequests.parse(body);
            }
            catch (GatewayException ex) {
                exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
                return form(model, values, ex.detail());
            }
            String pendingId = UUID.randomUUID().toString();
            session(exchange).pending().put(pendingId, body);
            model.addAttribute("pendingId", pendingId);
            model.addAttribute("request", request);
            model.addAttribute("templatePreview", preview(request.template()));
            return "console/review";
        });
    }

    @PostMapping("/console/onboard")
    Mono<String> onboard(ServerWebExchange exchange, Model model) {
        common(exchange, model, "onboard");
        return exchange.getFormData().flatMap(form -> {
            String pendingId = String.valueOf(form.getFirst("pendingId"));
            ObjectNode body = session(exchange).pending().get(pendingId);
            if (body == null) {
                throw new GatewayException(ProblemType.NOT_FOUND, "This onboarding is no longer pending; start it again");
            }
            OnboardingRequest request = OnboardingRequests.parse(body);
            exchange.getAttributes().put(GatewayAttributes.AUDIT_TENANT, request.tenantId());
            // The pending id is the idempotency key: a second submit answers the same result, nothing is made twice.
            return this.onboarding.onboard(request, pendingId, sha256(JSON.writeValueAsString(body)), GatewayAttributes.requestId(exchange))
                .map(result -> {
                    session(exchange).pending().remove(pendingId);
                    model.addAttribute("result", result);
                    return "console/onboarded";
                })
                .onErrorResume(GatewayException.class, ex -> {
                    exchange.getResponse().setStatusCode(ex.type().status());
                    model.addAttribute("failure", ex.detail());
                    model.addAttribute("failedStep", ex.extensions().get("failedStep"));
                    model.addAttribute("compensated", ex.extensions().getOrDefault("compensated", List.of()));
                    model.addAttribute("pendingId", pendingId);
                    return Mono.just("console/onboarding-failed");
                });
        });
    }

    private String form(Model model, Map<String, String> values, @Nullable String error) {
        Map<String, String> defaults = new LinkedHashMap<>(Map.of("vapiMode", "shared-org", "telephony", "vapi-number",
                "template", this.onboarding.templates().names().iterator().next()));
        defaults.putAll(values);
        defaults.remove(ConsoleAccessWebFilter.CSRF_FIELD);
        // Secrets typed into the form are never sent back to the browser.
        defaults.remove("vapiApiKey");
        defaults.remove("authToken");
        model.addAttribute("values", defaults);
        model.addAttribute("error", error);
        List<Map<String, String>> templates = new ArrayList<>();
        for (String name : this.onboarding.templates().names()) {
            templates.add(preview(name));
        }
        model.addAttribute("templates", templates);
        return "console/onboard";
    }

    private Map<String, String> preview(String name) {
        ObjectNode template = this.onboarding.templates().template(name);
        return Map.of("id", name, "name", template.path("name").asString(""), "firstMessage",
                template.path("firstMessage").asString(""), "systemPrompt", AssistantTemplates.systemPrompt(template));
    }

    /** The admin API's onboarding body, from the wizard's fields. */
    static ObjectNode onboardingBody(Map<String, String> values) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode tenant = body.putObject("tenant");
        putIfPresent(tenant, "id", values.get("tenantId"));
        putIfPresent(tenant, "name", values.get("tenantName"));
        putIfPresent(body, "vapiMode", values.get("vapiMode"));
        if ("dedicated-org".equals(values.get("vapiMode")) && blankToNull(values.get("vapiApiKey")) != null) {
            body.putObject("vapi").put("apiKey", values.get("vapiApiKey").strip());
        }
        ObjectNode telephony = body.putObject("telephony");
        String mode = values.getOrDefault("telephony", "");
        telephony.put("mode", mode);
        if (mode.equals("byo-twilio")) {
            putIfPresent(telephony, "accountSid", values.get("accountSid"));
            putIfPresent(telephony, "authToken", values.get("authToken"));
            putIfPresent(telephony, "number", values.get("number"));
        }
        else {
            putIfPresent(telephony, "areaCode", values.get("areaCode"));
        }
        ObjectNode assistant = body.putObject("assistant");
        putIfPresent(assistant, "template", values.get("template"));
        putIfPresent(body, "webhookUrl", values.get("webhookUrl"));
        return body;
    }

    // ---- audit ---------------------------------------------------------------------------------

    @GetMapping("/console/audit")
    Mono<String> audit(@RequestParam(required = false) @Nullable String tenant, @RequestParam(required = false) @Nullable String actor,
            @RequestParam(required = false) @Nullable String action, @RequestParam(defaultValue = "0") String page,
            ServerWebExchange exchange, Model model) {
        common(exchange, model, "audit");
        int number = parsePage(page);
        String tenantId = blankToNull(tenant);
        String actorId = blankToNull(actor);
        String actionName = blankToNull(action);
        return Mono.zip(this.audit.query(tenantId, actorId, actionName, null, null, PAGE + 1, (long) number * PAGE),
                this.audit.verify()).map(both -> {
                    model.addAttribute("rows", both.getT1().stream().limit(PAGE).toList());
                    model.addAttribute("hasNext", both.getT1().size() > PAGE);
                    model.addAttribute("page", number);
                    model.addAttribute("verification", both.getT2());
                    model.addAttribute("tenant", (tenantId != null) ? tenantId : "");
                    model.addAttribute("actor", (actorId != null) ? actorId : "");
                    model.addAttribute("action", (actionName != null) ? actionName : "");
                    return "console/audit";
                });
    }

    // ---- errors --------------------------------------------------------------------------------

    @ExceptionHandler(GatewayException.class)
    Mono<String> problem(GatewayException ex, ServerWebExchange exchange, Model model) {
        exchange.getResponse().setStatusCode(ex.type().status());
        return Mono.fromSupplier(() -> error(exchange, model, ex.detail()));
    }

    @ExceptionHandler(Exception.class)
    Mono<String> failure(Exception ex, ServerWebExchange exchange, Model model) {
        log.error("Console request {} failed",
                GatewayAttributes.requestId(exchange), ex);
        exchange.getResponse().setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR);
        return Mono.fromSupplier(() -> error(exchange, model, "Something went wrong on our side (request id "
                + GatewayAttributes.requestId(exchange) + "). Try again; if it keeps failing, give the request id to the platform team."));
    }

    private String error(ServerWebExchange exchange, Model model, String message) {
        common(exchange, model, "");
        model.addAttribute("message", message);
        return "console/error";
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void common(ServerWebExchange exchange, Model model, String section) {
        ConsoleSessions.Session session = exchange.getAttribute(ConsoleAccessWebFilter.SESSION);
        model.addAttribute("section", section);
        if (session != null) {
            model.addAttribute("csrf", session.csrf());
            model.addAttribute("admin", session.principal());
            model.addAttribute("canWrite", session.principal().role() == AdminRole.ADMIN);
        }
    }

    private String issuedPage(ServerWebExchange exchange, Model model, String tenantId, KeyService.IssuedKey issued, String title) {
        model.addAttribute("tenantId", tenantId);
        model.addAttribute("issued", issued);
        model.addAttribute("title", title);
        model.addAttribute("curl", "curl -H 'Authorization: Bearer " + issued.secret() + "' "
                + exchange.getRequest().getURI().resolve("/").toString().replaceAll("/$", "") + "/vapi/assistant");
        return "console/key-issued";
    }

    private static ConsoleSessions.Session session(ServerWebExchange exchange) {
        ConsoleSessions.Session session = exchange.getAttribute(ConsoleAccessWebFilter.SESSION);
        if (session == null) {
            throw new GatewayException(ProblemType.FORBIDDEN, "Sign in first");
        }
        return session;
    }

    private Mono<TenantDetails> existing(String tenantId) {
        return (Tenant.ID_PATTERN.matcher(tenantId).matches() ? this.tenants.details(tenantId) : Mono.<TenantDetails>empty())
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.NOT_FOUND, "No such tenant")));
    }

    private Mono<TenantDetails> active(String tenantId) {
        return existing(tenantId).flatMap(tenant -> tenant.status().equals("offboarded")
                ? Mono.error(new GatewayException(ProblemType.CONFLICT, "The tenant was offboarded; it cannot be changed"))
                : Mono.just(tenant));
    }

    private static Mono<Void> validKeyId(String keyId) {
        return KEY_ID.matcher(keyId).matches() ? Mono.empty()
                : Mono.error(new GatewayException(ProblemType.NOT_FOUND, "No such key for this tenant"));
    }

    static ResponseCookie cookie(ServerWebExchange exchange, String name, String value, Duration maxAge) {
        String proto = exchange.getRequest().getHeaders().getFirst("X-Forwarded-Proto");
        boolean secure = exchange.getRequest().getSslInfo() != null || "https".equalsIgnoreCase(proto);
        return ResponseCookie.from(name, value).httpOnly(true).secure(secure).sameSite("Strict").path("/console")
            .maxAge(maxAge).build();
    }

    private static int parsePage(String page) {
        return parseInt(page, 0, 0, 100_000, "The page must be a number");
    }

    private static int parseInt(@Nullable String value, int fallback, int min, int max, String message) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        }
        catch (NumberFormatException ex) {
            // answered below
        }
        throw new GatewayException(ProblemType.MALFORMED_REQUEST, message);
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return (value == null || value.isBlank()) ? null : value.strip();
    }

    private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
        String text = blankToNull(value);
        if (text != null) {
            node.put(field, text);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
