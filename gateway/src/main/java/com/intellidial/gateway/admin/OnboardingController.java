package com.intellidial.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.onboarding.AssistantTemplates;
import com.intellidial.gateway.onboarding.OnboardingRequest;
import com.intellidial.gateway.onboarding.OnboardingService;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * {@code POST /admin/v1/onboardings} (with an {@code Idempotency-Key}): one call takes a client
 * from nothing to placing a call; {@code GET /admin/v1/onboardings/{id}} shows its steps;
 * {@code GET /admin/v1/assistant-templates} lists the templates with their prompts.
 */
@RestController
class OnboardingController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");

    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{8,256}");

    private static final Pattern TEMPLATE = Pattern.compile("[a-z0-9-]{1,64}");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final OnboardingService onboarding;

    OnboardingController(OnboardingService onboarding) {
        this.onboarding = onboarding;
    }

    @PostMapping("/admin/v1/onboardings")
    Mono<ResponseEntity<OnboardingService.Result>> onboard(@RequestBody(required = false) @Nullable JsonNode body,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey, ServerWebExchange exchange) {
        return Mono.defer(() -> {
            if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                        "An Idempotency-Key header (1 to 200 characters) is required").withExtension("field", IDEMPOTENCY_KEY);
            }
            OnboardingRequest request = parse(body);
            exchange.getAttributes().put(GatewayAttributes.AUDIT_TENANT, request.tenantId());
            return this.onboarding.onboard(request, idempotencyKey, sha256(JSON.writeValueAsString(body)),
                    GatewayAttributes.requestId(exchange));
        }).map(result -> ResponseEntity.status(HttpStatus.CREATED).body(result));
    }

    @GetMapping("/admin/v1/onboardings/{onboardingId}")
    Mono<OnboardingService.Status> status(@PathVariable String onboardingId) {
        UUID id;
        try {
            id = UUID.fromString(onboardingId);
        }
        catch (IllegalArgumentException ex) {
            return Mono.error(noSuchOnboarding());
        }
        return this.onboarding.status(id).switchIfEmpty(Mono.error(OnboardingController::noSuchOnboarding));
    }

    @GetMapping("/admin/v1/assistant-templates")
    Map<String, Object> templates() {
        AssistantTemplates templates = this.onboarding.templates();
        Map<String, Object> items = new LinkedHashMap<>();
        for (String name : templates.names()) {
            ObjectNode template = templates.template(name);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", template.path("name").asString(""));
            view.put("firstMessage", template.path("firstMessage").asString(""));
            view.put("systemPrompt", AssistantTemplates.systemPrompt(template));
            items.put(name, view);
        }
        return Map.of("items", items);
    }

    static OnboardingRequest parse(@Nullable JsonNode body) {
        Input input = Input.of(body, "tenant", "vapiMode", "vapi", "telephony", "assistant", "webhookUrl");
        Input tenant = input.object("tenant", "id", "name");
        if (tenant == null) {
            throw input.invalid("tenant", "is required");
        }
        String id = tenant.requiredText("id", Tenant.ID_PATTERN, TenantAdminController.ID_RULE);
        String name = tenant.requiredText("name", TenantAdminController.NAME, "must be 1 to 200 characters");
        VapiMode vapiMode = TenantAdminController.vapiMode(input.requiredText("vapiMode", Pattern.compile(".*"), ""), "vapiMode");
        Input vapi = input.object("vapi", "apiKey", "webhookCredentialId");
        String vapiKey = (vapi != null) ? vapi.text("apiKey", SECRET, "must be 8 to 256 printable characters") : null;
        String credentialId = (vapi != null) ? vapi.text("webhookCredentialId", ID, "must be a VAPI credential id") : null;
        if (vapiMode == VapiMode.DEDICATED_ORG && vapiKey == null) {
            throw input.invalid("vapi.apiKey", "is required for dedicated-org: VAPI has no API to create orgs, so pass the "
                    + "private API key of the client's own org");
        }
        if (vapiMode == VapiMode.SHARED_ORG && vapi != null) {
            throw input.invalid("vapi", "applies to dedicated-org only (shared-org uses the platform's key)");
        }
        OnboardingRequest.Telephony telephony = telephony(input);
        Input assistant = input.object("assistant", "template", "overrides");
        if (assistant == null) {
            throw input.invalid("assistant", "is required");
        }
        String template = assistant.requiredText("template", TEMPLATE, "must name an assistant template");
        Map<String, String> overrides = new LinkedHashMap<>();
        Input overrideInput = assistant.object("overrides", AssistantTemplates.OVERRIDES.toArray(String[]::new));
        if (overrideInput != null) {
            for (String field : AssistantTemplates.OVERRIDES) {
                String value = overrideInput.text(field, Pattern.compile("\\S[^\\x00-\\x08]{0,9999}", Pattern.DOTALL),
                        "must be 1 to 10000 characters");
                if (value != null) {
                    overrides.put(field, value);
                }
            }
        }
        String webhookUrl = input.url("webhookUrl");
        if (webhookUrl == null) {
            throw input.invalid("webhookUrl", "is required");
        }
        return new OnboardingRequest(id, name, vapiMode, vapiKey, credentialId, telephony, template, overrides, webhookUrl);
    }

    private static OnboardingRequest.Telephony telephony(Input input) {
        Input telephony = input.object("telephony", "mode", "areaCode", "accountSid", "authToken", "apiKeySid", "apiKeySecret",
                "number");
        if (telephony == null) {
            throw input.invalid("telephony", "is required");
        }
        TelephonyMode mode = TenantAdminController.telephonyMode(
                telephony.requiredText("mode", Pattern.compile(".*"), ""), "telephony.mode");
        String areaCode = telephony.text("areaCode", Pattern.compile("[2-9][0-9]{2}"), "must be a 3-digit US area code");
        if (mode != TelephonyMode.BYO_TWILIO) {
            for (String field : new String[] { "accountSid", "authToken", "apiKeySid", "apiKeySecret", "number" }) {
                if (telephony.has(field)) {
                    throw telephony.invalid(field, "applies to telephony mode byo-twilio only");
                }
            }
            return new OnboardingRequest.Telephony(mode, (areaCode != null) ? Integer.valueOf(areaCode) : null, null, null, null,
                    null, null);
        }
        if (areaCode != null) {
            throw telephony.invalid("areaCode", "does not apply to byo-twilio: the client's own number is imported");
        }
        String accountSid = telephony.requiredText("accountSid", ACCOUNT_SID, "must be AC followed by 32 hex digits");
        String authToken = telephony.text("authToken", SECRET, "must be 8 to 256 printable characters");
        String apiKeySid = telephony.text("apiKeySid", API_KEY_SID, "must be SK followed by 32 hex digits");
        String apiKeySecret = telephony.text("apiKeySecret", SECRET, "must be 8 to 256 printable characters");
        if (authToken == null && (apiKeySid == null || apiKeySecret == null)) {
            throw telephony.invalid("authToken", "is required, or apiKeySid with apiKeySecret");
        }
        String number = telephony.requiredText("number", E164, "must be an E.164 number such as +14155550100");
        return new OnboardingRequest.Telephony(mode, null, accountSid, authToken, apiKeySid, apiKeySecret, number);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    private static GatewayException noSuchOnboarding() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such onboarding");
    }
}
