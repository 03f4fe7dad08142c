package com.intellidial.gateway.onboarding;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.credentials.SecretWriter;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.onboarding.OnboardingRecords.Run;
import com.intellidial.gateway.provisioning.NumberProvisioning;
import com.intellidial.gateway.provisioning.NumberProvisioning.ProvisionedNumber;
import com.intellidial.gateway.provisioning.TwilioAccountService;
import com.intellidial.gateway.provisioning.VapiWebhookCredentials;
import com.intellidial.gateway.tenant.KeyService;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import com.intellidial.gateway.callbacks.WebhooksProperties;

/**
 * Onboarding as a saga: tenant, first key, webhook signing secret, the tenant's VAPI key
 * (dedicated-org), its own VAPI webhook credential ({@link VapiWebhookCredentials}), its Twilio account (subaccount or verified BYO credential), the default
 * assistant from a template, the phone number for its telephony mode, and that number attached to
 * the assistant as the tenant's {@code default}. Each step is recorded as started, then done with
 * its ids, before the next begins; a failure undoes what was done, in reverse, and names the failed
 * step and what was undone; a retry with the same Idempotency-Key answers the first result or
 * resumes an interrupted run from its last recorded step.
 */
public final class OnboardingService {

    private static final Logger log = LoggerFactory.getLogger(OnboardingService.class);

    /** The steps, in order. */
    public static final List<String> STEPS = List.of("tenant", "key", "webhook-secret", "vapi-credential",
            "vapi-webhook-credential", "twilio-account", "assistant", "phone-number", "attach");

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String VAPI = "vapi";

    private final OnboardingRecords records;

    private final TenantRepository tenants;

    private final KeyService keys;

    private final SecretStore secrets;

    private final SecretWriter writer;

    private final CredentialRefresher refresher;

    private final TwilioAccountService twilioAccounts;

    private final NumberProvisioning numbers;

    private final VapiWebhookCredentials webhookCredentials;

    private final OwnershipStore ownership;

    private final AssistantTemplates templates;

    private final TenantApiClient tenantApi;

    private final WebhooksProperties webhooks;

    private final DatabaseClient db;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    OnboardingService(OnboardingRecords records, TenantRepository tenants, KeyService keys, SecretStore secrets,
            SecretWriter writer, CredentialRefresher refresher, TwilioAccountService twilioAccounts, NumberProvisioning numbers,
            VapiWebhookCredentials webhookCredentials, OwnershipStore ownership, AssistantTemplates templates,
            TenantApiClient tenantApi, WebhooksProperties webhooks, DatabaseClient db) {
        this.records = records;
        this.tenants = tenants;
        this.keys = keys;
        this.secrets = secrets;
        this.writer = writer;
        this.refresher = refresher;
        this.twilioAccounts = twilioAccounts;
        this.numbers = numbers;
        this.webhookCredentials = webhookCredentials;
        this.ownership = ownership;
        this.templates = templates;
        this.tenantApi = tenantApi;
        this.webhooks = webhooks;
        this.db = db;
    }

    /** The assistant templates onboarding can use. */
    public AssistantTemplates templates() {
        return this.templates;
    }

    /**
     * Runs (or resumes, or answers again) the onboarding of one client.
     * @param request the validated request
     * @param idempotencyKey the caller's key; the same key answers the same result
     * @param requestHash SHA-256 of the request body; the same key with another body is a 422
     * @param requestId the admin request's id, for the calls the saga makes
     */
    public Mono<Result> onboard(OnboardingRequest request, String idempotencyKey, byte[] requestHash, String requestId) {
        if (!this.templates.has(request.template())) {
            return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST, "No assistant template '"
                    + request.template() + "' (known: " + String.join(", ", this.templates.names()) + ")")
                .withExtension("field", "assistant.template"));
        }
        return this.records.start(idempotencyKey, requestHash, request.tenantId()).flatMap(run -> {
            if (!Arrays.equals(run.requestHash(), requestHash)) {
                return Mono.error(new GatewayException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was used for a different onboarding request"));
            }
            if (run.state().equals("completed")) {
                return result(run, request);
            }
            if (run.state().equals("failed")) {
                return Mono.error(new GatewayException(ProblemType.CONFLICT, "This onboarding failed and was undone ("
                        + run.failure() + "); fix the cause and retry with a new Idempotency-Key")
                    .withExtension("onboardingId", run.id().toString()));
            }
            if (!this.inFlight.add(idempotencyKey)) {
                return Mono.error(new GatewayException(ProblemType.CONFLICT,
                        "This onboarding is in progress; retry with the same Idempotency-Key shortly")
                    .withHeader("Retry-After", "2"));
            }
            return execute(run, request, requestId).flatMap(done -> result(done, request))
                .doFinally(signal -> this.inFlight.remove(idempotencyKey));
        });
    }

    /** A run by id, for {@code GET /admin/v1/onboardings/{id}}. */
    public Mono<Status> status(UUID id) {
        return this.records.find(id).map(run -> new Status(run.id(), run.tenantId(), run.state(), run.steps(), run.failure(),
                run.createdAt(), run.updatedAt()));
    }

    private Mono<Run> execute(Run start, OnboardingRequest request, String requestId) {
        Tenant tenant = new Tenant(request.tenantId(), request.tenantName(), false, request.vapiMode(),
                request.telephony().mode());
        Mono<Run> chain = Mono.just(start);
        for (String name : STEPS) {
            chain = chain.flatMap(run -> step(run, name, tenant, request, requestId));
        }
        return chain.flatMap(run -> this.records.save(run.replacing(run.steps(), "completed", null)))
            .onErrorResume(ex -> this.records.find(start.id())
                .defaultIfEmpty(start)
                .flatMap(failed -> compensate(failed, tenant, ex, requestId)));
    }

    private Mono<Run> step(Run run, String name, Tenant tenant, OnboardingRequest request, String requestId) {
        Step recorded = run.step(name);
        if (recorded != null && (recorded.state().equals("done") || recorded.state().equals("skipped"))) {
            return Mono.just(run);
        }
        boolean resumed = recorded != null;
        Mono<@Nullable Map<String, String>> work = switch (name) {
            case "tenant" -> createTenant(tenant, request, resumed);
            case "key" -> issueKey(tenant, resumed);
            case "webhook-secret" -> writeSecret(SecretPath.tenantWebhook(tenant.id()), Map.of("signing_secret", randomSecret()));
            case "vapi-credential" -> (request.vapiMode() == VapiMode.DEDICATED_ORG) ? writeVapiKey(tenant, request) : skip();
            // An operator-made credential in the tenant's org (legacy, shared secret) is kept as given.
            case "vapi-webhook-credential" -> (request.vapiWebhookCredentialId() != null) ? skip()
                    : this.webhookCredentials.credentialId(tenant.id())
                        .switchIfEmpty(Mono.defer(() -> this.webhookCredentials.create(tenant)))
                        .map(id -> Map.of("credentialId", id));
            case "twilio-account" -> twilioAccount(tenant, request);
            case "assistant" -> assistant(tenant, request, requestId);
            case "phone-number" -> phoneNumber(tenant, request, run);
            case "attach" -> apiKey(tenant).flatMap(key -> this.tenantApi.attachDefaultNumber(key,
                    run.id("phone-number", "phoneNumberId"), run.id("assistant", "assistantId"), requestId + "-attach"))
                .then(Mono.just(Map.of()));
            default -> Mono.error(new IllegalStateException("unknown step " + name));
        };
        return this.records.save(run.with(new Step(name, "started", Map.of())))
            .flatMap(started -> work.map(ids -> started.done(name, ids))
                .switchIfEmpty(Mono.fromSupplier(() -> started.with(new Step(name, "skipped", Map.of()))))
                .onErrorMap(ex -> new StepFailed(name, ex)))
            .flatMap(this.records::save);
    }

    private static Mono<@Nullable Map<String, String>> skip() {
        return Mono.empty();
    }

    private Mono<@Nullable Map<String, String>> createTenant(Tenant tenant, OnboardingRequest request, boolean resumed) {
        return this.tenants.findTenant(tenant.id())
            .flatMap(existing -> resumed ? Mono.just(existing)
                    : Mono.<Tenant>error(new GatewayException(ProblemType.CONFLICT, "A tenant with id '" + tenant.id()
                            + "' already exists").withExtension("field", "tenant.id")))
            .switchIfEmpty(this.tenants.insert(tenant, request.webhookUrl()).thenReturn(tenant))
            .thenReturn(Map.of("tenantId", tenant.id()));
    }

    /** The first key; its secret goes to the secret store so a retry can answer it again. */
    private Mono<@Nullable Map<String, String>> issueKey(Tenant tenant, boolean resumed) {
        // A resumed step may have issued a key whose secret was never recorded: retire it.
        Mono<Void> retire = resumed ? this.keys.revokeAll(tenant.id()) : Mono.empty();
        return retire.then(this.keys.issue(tenant.id(), "onboarding", null))
            .flatMap(issued -> writeSecret(SecretPath.tenantOnboarding(tenant.id()), Map.of("api_key", issued.secret()))
                .thenReturn(Map.of("keyId", issued.key().keyId())));
    }

    private Mono<@Nullable Map<String, String>> writeVapiKey(Tenant tenant, OnboardingRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("api_key", String.valueOf(request.vapiApiKey()));
        if (request.vapiWebhookCredentialId() != null) {
            fields.put("webhook_credential_id", request.vapiWebhookCredentialId());
        }
        return writeSecret(SecretPath.tenantVapi(tenant.id()), fields);
    }

    private Mono<@Nullable Map<String, String>> writeSecret(SecretPath path, Map<String, String> fields) {
        return this.writer.write(path, fields).then(this.refresher.refresh(path)).thenReturn(Map.of());
    }

    private Mono<@Nullable Map<String, String>> twilioAccount(Tenant tenant, OnboardingRequest request) {
        OnboardingRequest.Telephony telephony = request.telephony();
        return switch (telephony.mode()) {
            case PLATFORM_TWILIO -> this.twilioAccounts.createSubaccount(tenant)
                .map(account -> Map.of("accountSid", account.accountSid()));
            case BYO_TWILIO -> this.twilioAccounts.connectOwnAccount(tenant, String.valueOf(telephony.accountSid()),
                    telephony.authToken(), telephony.apiKeySid(), telephony.apiKeySecret())
                .map(account -> Map.of("accountSid", account.accountSid()));
            default -> skip();
        };
    }

    private Mono<@Nullable Map<String, String>> assistant(Tenant tenant, OnboardingRequest request, String requestId) {
        // A resumed step may have created it: its alias is recorded before the create is answered.
        return this.ownership.resolveAlias(tenant.id(), VAPI, "assistant", "default")
            .switchIfEmpty(Mono.defer(() -> apiKey(tenant).flatMap(key -> this.tenantApi.createDefaultAssistant(key,
                    this.templates.body(request.template(), request.overrides(), request.webhookUrl()), requestId + "-assistant"))))
            .map(id -> Map.of("assistantId", id));
    }

    private Mono<@Nullable Map<String, String>> phoneNumber(Tenant tenant, OnboardingRequest request, Run run) {
        String key = "onboarding-" + run.id();
        OnboardingRequest.Telephony telephony = request.telephony();
        Mono<ProvisionedNumber> provisioned = (telephony.mode() == TelephonyMode.BYO_TWILIO)
                ? this.numbers.adopt(tenant, key, String.valueOf(telephony.number()))
                : this.numbers.provision(tenant, key, telephony.areaCode());
        return provisioned.map(number -> {
            Map<String, String> ids = new LinkedHashMap<>();
            ids.put("phoneNumberId", String.valueOf(number.vapiPhoneNumberId()));
            if (number.phoneNumber() != null) {
                ids.put("number", number.phoneNumber());
            }
            if (number.phoneNumberSid() != null) {
                ids.put("phoneNumberSid", number.phoneNumberSid());
            }
            if (number.accountSid() != null) {
                ids.put("accountSid", number.accountSid());
            }
            return ids;
        });
    }

    /** Undoes every started step in reverse, records the outcome, then fails with what happened. */
    private Mono<Run> compensate(Run failed, Tenant tenant, Throwable error, String requestId) {
        String failedStep = (error instanceof StepFailed step) ? step.step : "unknown";
        Throwable cause = (error instanceof StepFailed step) ? step.getCause() : error;
        log.warn("Onboarding {} of tenant {} failed at step {}: {}; undoing it", failed.id(), tenant.id(), failedStep,
                String.valueOf(cause));
        List<Step> reversed = new ArrayList<>(failed.steps());
        java.util.Collections.reverse(reversed);
        List<String> undone = new ArrayList<>();
        return Flux.fromIterable(reversed)
            .concatMap(step -> undo(step, tenant, requestId)
                .then(Mono.fromCallable(() -> {
                    if (!step.state().equals("skipped") && !step.name().equals(failedStep)) {
                        undone.add(step.name());
                    }
                    return step.name().equals(failedStep) ? step.withState("failed")
                            : step.state().equals("skipped") ? step : step.withState("compensated");
                }))
                .onErrorResume(ex -> {
                    log.error("Onboarding {}: could not undo step {} of tenant {}: {}", failed.id(), step.name(), tenant.id(),
                            ex.toString());
                    return Mono.just(step.withState("compensation-failed"));
                }))
            .collectList()
            .flatMap(steps -> {
                java.util.Collections.reverse(steps);
                String detail = detail(cause);
                String failure = "step " + failedStep + ": " + detail;
                return this.records.save(failed.replacing(steps, "failed", failure))
                    .then(Mono.error(problem(cause, failedStep, detail, undone, failed.id())));
            });
    }

    private Mono<Void> undo(Step step, Tenant tenant, String requestId) {
        if (step.state().equals("skipped")) {
            return Mono.empty();
        }
        return switch (step.name()) {
            case "phone-number" -> undoNumber(step, tenant);
            case "assistant" -> {
                String assistantId = step.ids().get("assistantId");
                Mono<String> id = (assistantId != null) ? Mono.just(assistantId)
                        : this.ownership.resolveAlias(tenant.id(), VAPI, "assistant", "default");
                yield id.flatMap(found -> apiKey(tenant).flatMap(key -> this.tenantApi.deleteAssistant(key, found,
                        requestId + "-undo")));
            }
            case "twilio-account" -> (tenant.telephonyMode() == TelephonyMode.PLATFORM_TWILIO)
                    ? this.twilioAccounts.closeSubaccount(tenant) : Mono.empty();
            case "vapi-webhook-credential" -> Mono.justOrEmpty(step.ids().get("credentialId"))
                .switchIfEmpty(this.webhookCredentials.credentialId(tenant.id()))
                .flatMap(id -> this.webhookCredentials.delete(tenant, id));
            case "key" -> this.keys.revokeAll(tenant.id());
            case "tenant" -> deleteTenant(tenant.id());
            default -> Mono.empty();
        };
    }

    private Mono<Void> undoNumber(Step step, Tenant tenant) {
        String vapiId = step.ids().get("phoneNumberId");
        if (vapiId == null) {
            // NumberProvisioning releases a number it bought for a run that failed before importing it.
            return Mono.empty();
        }
        return switch (tenant.telephonyMode()) {
            case VAPI_NUMBER -> this.numbers.release(tenant, vapiId);
            case BYO_TWILIO -> this.numbers.detach(tenant, vapiId, step.ids().get("phoneNumberSid"));
            default -> this.numbers.release(tenant, String.valueOf(step.ids().get("phoneNumberSid")));
        };
    }

    /** Removes every row the run made for the tenant; its secrets become unreachable with it. */
    private Mono<Void> deleteTenant(String tenantId) {
        List<String> tables = List.of("webhook_targets", "ownership", "twilio_calls", "twilio_status_events", "twilio_numbers",
                "provisioning_operations", "tenant_budgets", "api_keys");
        return Flux.fromIterable(tables)
            .concatMap(table -> this.db.sql("delete from " + table + " where tenant_id = $1").bind(0, tenantId).then())
            .then(this.db.sql("delete from tenants where id = $1").bind(0, tenantId).then());
    }

    private Mono<Result> result(Run run, OnboardingRequest request) {
        Tenant tenant = new Tenant(request.tenantId(), request.tenantName(), false, request.vapiMode(), request.telephony().mode());
        return Mono.zip(this.secrets.read(SecretPath.tenantOnboarding(tenant.id())).map(secret -> String.valueOf(secret.field("api_key"))),
                this.secrets.read(SecretPath.tenantWebhook(tenant.id())).map(secret -> String.valueOf(secret.field("signing_secret"))))
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                    "The onboarding completed but its secrets cannot be read right now; retry")))
            .map(secrets -> {
                Step number = run.step("phone-number");
                Map<String, String> numberIds = (number != null) ? number.ids() : Map.of();
                String base = this.webhooks.url("");
                String example = "+14155550123";
                String curl = "curl -X POST -H 'Authorization: Bearer " + secrets.getT1() + "' -H 'Content-Type: application/json' -d '"
                        + "{\"customer\":{\"number\":\"" + example + "\"}}' " + base + "/vapi/call";
                List<String> notes = new ArrayList<>();
                if (tenant.telephonyMode() == TelephonyMode.VAPI_NUMBER) {
                    notes.add("VAPI numbers are US only, cannot call internationally, place a limited number of outbound "
                            + "calls per day and cannot run outbound campaigns; a VAPI org holds at most five free ones "
                            + "(shared-org tenants share the platform's org). See docs/telephony.md.");
                }
                notes.add("The key and the webhook signing secret are shown by this call and its retries only; store them now.");
                return new Result(run.id(), tenant.id(), tenant.name(), tenant.vapiMode().wire(), tenant.telephonyMode().wire(),
                        secrets.getT1(), run.id("key", "keyId"), secrets.getT2(), run.id("assistant", "assistantId"),
                        new NumberView(numberIds.get("phoneNumberId"), numberIds.get("number"), numberIds.get("phoneNumberSid")),
                        Map.of("vapi", base + "/vapi", "twilio", base + "/twilio"), curl, notes, run.steps());
            });
    }

    /** The tenant's first key, which the saga uses to act as the tenant's first client. */
    private Mono<String> apiKey(Tenant tenant) {
        return this.secrets.read(SecretPath.tenantOnboarding(tenant.id()))
            .mapNotNull(secret -> secret.field("api_key"))
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                    "The onboarding key of " + tenant.id() + " cannot be read")));
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    private static String detail(@Nullable Throwable cause) {
        if (cause instanceof GatewayException problem) {
            return problem.detail();
        }
        return (cause != null) ? cause.getClass().getSimpleName() : "unknown error";
    }

    private static GatewayException problem(@Nullable Throwable cause, String failedStep, String detail, List<String> undone,
            UUID id) {
        ProblemType type = (cause instanceof GatewayException problem) ? problem.type() : ProblemType.UPSTREAM_UNAVAILABLE;
        GatewayException failure = new GatewayException(type, "Onboarding failed at step '" + failedStep + "': " + detail
                + (undone.isEmpty() ? "" : "; undone: " + String.join(", ", undone)), cause);
        if (cause instanceof GatewayException problem && problem.extensions().get("field") instanceof String field) {
            // The Twilio account check names its own fields; in an onboarding they sit under telephony.
            failure.withExtension("field", (failedStep.equals("twilio-account") && !field.startsWith("telephony."))
                    ? "telephony." + field : field);
        }
        return failure.withExtension("failedStep", failedStep).withExtension("compensated", undone)
            .withExtension("onboardingId", id.toString());
    }

    /** A step's failure, naming the step. */
    private static final class StepFailed extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String step;

        StepFailed(String step, Throwable cause) {
            super("step " + step + " failed", cause, false, false);
            this.step = step;
        }
    }

    /**
     * What the client needs after onboarding.
     * @param onboardingId the run ({@code GET /admin/v1/onboardings/{id}})
     * @param tenantId the tenant
     * @param tenantName its name
     * @param vapiMode its VAPI mode
     * @param telephonyMode its telephony mode
     * @param apiKey its first gateway key (shown by this call and its retries only)
     * @param keyId that key's id
     * @param webhookSigningSecret the secret the gateway signs relayed webhooks with
     * @param assistantId the default assistant
     * @param phoneNumber the default number
     * @param baseUrls where the SDKs point
     * @param firstCall a curl line that places the first call
     * @param notes limits the client should know about
     * @param steps what was done
     */
    public record Result(UUID onboardingId, String tenantId, String tenantName, String vapiMode, String telephonyMode,
            String apiKey, String keyId, String webhookSigningSecret, String assistantId, NumberView phoneNumber,
            Map<String, String> baseUrls, String firstCall, List<String> notes, List<Step> steps) {

        @Override
        public String toString() {
            return "Result[" + this.onboardingId + ", " + this.tenantId + "]";
        }
    }

    /**
     * The default phone number.
     * @param id the VAPI phone-number id
     * @param number E.164, when known (VAPI assigns its own numbers' digits)
     * @param twilioSid the Twilio {@code PN...} SID, for Twilio numbers
     */
    public record NumberView(@Nullable String id, @Nullable String number, @Nullable String twilioSid) {
    }

    /**
     * An onboarding run as shown to admins (never a secret).
     * @param id the run
     * @param tenantId the tenant
     * @param state {@code running}, {@code completed} or {@code failed}
     * @param steps each step and its state and ids
     * @param failure what failed, or {@code null}
     * @param createdAt when it started
     * @param updatedAt when it last changed
     */
    public record Status(UUID id, String tenantId, String state, List<Step> steps, @Nullable String failure,
            java.time.@Nullable Instant createdAt, java.time.@Nullable Instant updatedAt) {
    }
}
