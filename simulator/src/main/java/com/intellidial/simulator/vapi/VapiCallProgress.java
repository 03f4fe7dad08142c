package com.intellidial.simulator.vapi;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.http.Json;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves each VAPI call that has a server URL along the simulator's call timeline (queued, ringing, in-progress,
 * ended) and sends the server messages a real call produces: a {@code status-update} per step and, at the end, an
 * {@code end-of-call-report} with {@code startedAt}, {@code endedAt}, {@code endedReason}, a {@code cost} and its
 * {@code costs[]} at fixed per-minute rates. The stored call is updated at every step, and every message carries it.
 * The server is the first of {@code assistantOverrides.server}, the transient {@code assistant.server}, the
 * assistant's, the transient {@code phoneNumber.server} and the phone number's (vapi.md section 3.4); the message
 * types sent are the first {@code serverMessages} of {@code assistantOverrides}, the transient assistant and the stored
 * assistant (VAPI's default list when none sets it).
 */
final class VapiCallProgress implements AutoCloseable {

    /** USD per minute for each cost line; the model line is derived from tokens. */
    static final BigDecimal TRANSPORT_PER_MINUTE = new BigDecimal("0.0085");

    static final BigDecimal TRANSCRIBER_PER_MINUTE = new BigDecimal("0.0100");

    static final BigDecimal VOICE_PER_MINUTE = new BigDecimal("0.0360");

    static final BigDecimal VAPI_PER_MINUTE = new BigDecimal("0.0500");

    private static final BigDecimal PROMPT_TOKEN = new BigDecimal("0.0000025");

    private static final BigDecimal COMPLETION_TOKEN = new BigDecimal("0.00001");

    private static final Set<String> DEFAULT_MESSAGES = Set.of("status-update", "end-of-call-report");

    private static final Logger log = LoggerFactory.getLogger(VapiCallProgress.class);

    private final VapiResources resources;

    private final VapiWebhooks webhooks;

    private final SimulatorConfig timeline;

    private final Clock clock;

    private final ConcurrentMap<String, Disposable> running = new ConcurrentHashMap<>();

    private final AtomicBoolean closed = new AtomicBoolean();

    VapiCallProgress(VapiResources resources, VapiWebhooks webhooks, SimulatorConfig timeline, Clock clock) {
        this.resources = resources;
        this.webhooks = webhooks;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Starts the timeline of a call just created for {@code orgId}, if the call has a server to report to. */
    void start(String orgId, JsonNode call) {
        ObjectNode server = serverOf(orgId, call);
        if (server == null || this.closed.get()) {
            return;
        }
        Set<String> messages = messagesOf(orgId, call);
        String callId = String.valueOf(Json.text(call, "id"));
        Step step = new Step(orgId, callId, server, messages);
        step.status("queued");
        Disposable steps = Mono.delay(this.timeline.callRingingAfter())
            .then(Mono.fromRunnable(() -> step.status("ringing")))
            .then(Mono.delay(this.timeline.callAnsweredAfter()))
            .then(Mono.fromRunnable(() -> step.answered()))
            .then(Mono.delay(this.timeline.callDuration()))
            .then(Mono.fromRunnable(() -> step.ended()))
            .doFinally(signal -> this.running.remove(callId))
            .subscribe(null, error -> log.warn("VAPI call timeline of {} failed", callId, error));
        this.running.put(callId, steps);
    }

    /** Stops every timeline; no more messages are scheduled. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.running.values().forEach(Disposable::dispose);
            this.running.clear();
        }
    }

    private @Nullable ObjectNode serverOf(String orgId, JsonNode call) {
        ObjectNode server = withUrl(call.path("assistantOverrides").get("server"));
        server = (server != null) ? server : withUrl(call.path("assistant").get("server"));
        server = (server != null) ? server : withUrl(stored(orgId, "/assistant", Json.text(call, "assistantId")).get("server"));
        server = (server != null) ? server : withUrl(call.path("phoneNumber").get("server"));
        return (server != null) ? server
                : withUrl(stored(orgId, "/phone-number", Json.text(call, "phoneNumberId")).get("server"));
    }

    private Set<String> messagesOf(String orgId, JsonNode call) {
        // Overrides win over the assistant, as on VAPI: an empty list there silences the call.
        JsonNode listed = call.path("assistantOverrides").get("serverMessages");
        if (listed == null) {
            listed = call.path("assistant").get("serverMessages");
        }
        if (listed == null) {
            listed = stored(orgId, "/assistant", Json.text(call, "assistantId")).get("serverMessages");
        }
        if (listed == null || !listed.isArray()) {
            return DEFAULT_MESSAGES;
        }
        Set<String> types = new HashSet<>();
        listed.forEach(type -> types.add(type.asString()));
        return Set.copyOf(types);
    }

    private JsonNode stored(String orgId, String store, @Nullable String id) {
        if (id == null) {
            return Json.object();
        }
        return this.resources.find(store, orgId, id).map(JsonNode.class::cast).orElseGet(Json::object);
    }

    private static @Nullable ObjectNode withUrl(@Nullable JsonNode server) {
        return (server instanceof ObjectNode object && Json.text(object, "url") != null) ? object : null;
    }

    /** The steps of one call: each updates the stored call and reports it. */
    private final class Step {

        private final String orgId;

        private final String callId;

        private final ObjectNode server;

        private final Set<String> messages;

        Step(String orgId, String callId, ObjectNode server, Set<String> messages) {
            this.orgId = orgId;
            this.callId = callId;
            this.server = server;
            this.messages = messages;
        }

        void status(String status) {
            update(call -> call.put("status", status)).ifPresent(call -> report(statusUpdate(status, call)));
        }

        void answered() {
            String now = resources.now();
            update(call -> call.put("status", "in-progress").put("startedAt", now))
                .ifPresent(call -> report(statusUpdate("in-progress", call)));
        }

        void ended() {
            String endedAt = resources.now();
            Optional<ObjectNode> ended = update(call -> {
                String startedAt = Json.text(call, "startedAt");
                Duration duration = Duration.between(Instant.parse((startedAt != null) ? startedAt : endedAt),
                        Instant.parse(endedAt));
                Costs costs = Costs.of(duration, Json.text(call, "phoneNumberId") != null);
                call.put("status", "ended").put("endedAt", endedAt).put("endedReason", "customer-ended-call");
                call.put("cost", costs.total());
                call.set("costs", costs.lines());
                call.set("costBreakdown", costs.breakdown());
            });
            ended.ifPresent(call -> {
                ObjectNode status = statusUpdate("ended", call);
                status.put("endedReason", "customer-ended-call");
                report(status);
                report(endOfCallReport(call));
            });
        }

        private Optional<ObjectNode> update(Consumer<ObjectNode> change) {
            return resources.change("/call", this.orgId, this.callId, change);
        }

        private ObjectNode statusUpdate(String status, ObjectNode call) {
            ObjectNode message = message("status-update", call);
            message.put("status", status);
            return message;
        }

        private ObjectNode endOfCallReport(ObjectNode call) {
            ObjectNode message = message("end-of-call-report", call);
            message.put("endedReason", String.valueOf(Json.text(call, "endedReason")));
            message.put("startedAt", Json.text(call, "startedAt"));
            message.put("endedAt", Json.text(call, "endedAt"));
            message.set("cost", call.get("cost"));
            message.set("costs", call.get("costs"));
            ObjectNode artifact = message.putObject("artifact");
            artifact.put("transcript", "AI: Hello, how can I help?\nUser: That's all, thanks.");
            artifact.putArray("messages");
            message.putObject("analysis").put("summary", "The customer called and ended the call.");
            return message;
        }

        private ObjectNode message(String type, ObjectNode call) {
            ObjectNode message = Json.object();
            message.put("type", type);
            message.put("timestamp", clock.millis());
            message.set("call", call);
            return message;
        }

        private void report(ObjectNode message) {
            if (this.messages.contains(Json.text(message, "type"))) {
                JsonNode credential = stored(this.orgId, "/credential", Json.text(this.server, "credentialId"));
                webhooks.send(this.server, message, credential.get("authenticationPlan"));
            }
        }
    }

    /** A call's cost lines at the fixed rates, rounded like VAPI's (4 decimals). */
    private record Costs(BigDecimal total, ArrayNode lines, ObjectNode breakdown) {

        static Costs of(Duration duration, boolean phone) {
            BigDecimal minutes = BigDecimal.valueOf(duration.toMillis()).divide(BigDecimal.valueOf(60_000), 4,
                    RoundingMode.HALF_UP);
            long promptTokens = 400 + duration.toSeconds() * 40;
            long completionTokens = 50 + duration.toSeconds() * 5;
            BigDecimal transport = phone ? money(minutes.multiply(TRANSPORT_PER_MINUTE)) : BigDecimal.ZERO.setScale(4);
            BigDecimal transcriber = money(minutes.multiply(TRANSCRIBER_PER_MINUTE));
            BigDecimal model = money(PROMPT_TOKEN.multiply(BigDecimal.valueOf(promptTokens))
                .add(COMPLETION_TOKEN.multiply(BigDecimal.valueOf(completionTokens))));
            BigDecimal voice = money(minutes.multiply(VOICE_PER_MINUTE));
            BigDecimal vapi = money(minutes.multiply(VAPI_PER_MINUTE));
            BigDecimal total = transport.add(transcriber).add(model).add(voice).add(vapi);
            ArrayNode lines = Json.array();
            lines.addObject().put("type", "transport").put("minutes", minutes).put("cost", transport)
                .putObject("transport").put("provider", phone ? "twilio" : "vapi");
            lines.addObject().put("type", "transcriber").put("minutes", minutes).put("cost", transcriber)
                .putObject("transcriber").put("provider", "deepgram").put("model", "nova-2");
            lines.addObject().put("type", "model").put("promptTokens", promptTokens)
                .put("completionTokens", completionTokens).put("cost", model)
                .putObject("model").put("provider", "openai").put("model", "gpt-4o");
            lines.addObject().put("type", "voice").put("characters", completionTokens * 4).put("cost", voice)
                .putObject("voice").put("provider", "11labs");
            lines.addObject().put("type", "vapi").put("subType", "normal").put("minutes", minutes).put("cost", vapi);
            ObjectNode breakdown = Json.object();
            breakdown.put("transport", transport).put("stt", transcriber).put("llm", model).put("tts", voice)
                .put("vapi", vapi).put("total", total).put("llmPromptTokens", promptTokens)
                .put("llmCompletionTokens", completionTokens).put("ttsCharacters", completionTokens * 4);
            return new Costs(total, lines, breakdown);
        }

        private static BigDecimal money(BigDecimal value) {
            return value.setScale(4, RoundingMode.HALF_UP);
        }
    }
}
