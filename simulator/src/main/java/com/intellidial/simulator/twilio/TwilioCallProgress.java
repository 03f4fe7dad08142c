package com.intellidial.simulator.twilio;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Params;
import com.intellidial.simulator.http.ResourceStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves each created call along a short timeline (queued, ringing, in-progress, completed) with {@code Mono.delay},
 * and sends the status callbacks the call asked for ({@code StatusCallbackEvent}; {@code completed} always) to its
 * {@code StatusCallback}, signed with the account's auth token.
 */
final class TwilioCallProgress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwilioCallProgress.class);

    private final ResourceStore store;

    private final TwilioAccounts accounts;

    private final TwilioRecordings recordings;

    private final TwilioWebhooks webhooks;

    private final SimulatorConfig timeline;

    private final Clock clock;

    private final ConcurrentMap<String, Plan> plans = new ConcurrentHashMap<>();

    private final AtomicBoolean closed = new AtomicBoolean();

    TwilioCallProgress(ResourceStore store, TwilioAccounts accounts, TwilioRecordings recordings,
            TwilioWebhooks webhooks, SimulatorConfig timeline, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.recordings = recordings;
        this.webhooks = webhooks;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Starts the timeline of a call just created with these form parameters. */
    void start(ObjectNode call, Params form) {
        String callbackUrl = form.nonEmpty("StatusCallback");
        String method = form.nonEmpty("StatusCallbackMethod");
        Plan plan = new Plan(String.valueOf(Json.text(call, "account_sid")), String.valueOf(Json.text(call, "sid")),
                callbackUrl, (method != null) ? method : "POST", Set.copyOf(form.all("StatusCallbackEvent")),
                "true".equalsIgnoreCase(form.first("Record")),
                "dual".equalsIgnoreCase(form.first("RecordingChannels")) ? 2 : 1);
        if (this.closed.get()) {
            return;
        }
        this.plans.put(plan.callSid(), plan);
        notify(plan, "initiated", call);
        Disposable steps = Mono.delay(this.timeline.callRingingAfter())
            .then(Mono.fromRunnable(() -> advance(plan, "ringing", "ringing")))
            .then(Mono.delay(this.timeline.callAnsweredAfter()))
            .then(Mono.fromRunnable(() -> advance(plan, "in-progress", "answered")))
            .then(Mono.delay(this.timeline.callDuration()))
            .then(Mono.fromRunnable(() -> complete(plan)))
            .subscribe(null, error -> log.warn("Call timeline of {} failed", plan.callSid(), error));
        plan.steps().set(steps);
    }

    /** A call was ended by an update (hang up or cancel): stop its timeline and report it completed. */
    void ended(ObjectNode call) {
        Plan plan = this.plans.get(Json.text(call, "sid"));
        if (plan != null) {
            finish(plan, call);
        }
    }

    /** A call record was deleted: stop its timeline without reporting. */
    void forget(String callSid) {
        Plan plan = this.plans.remove(callSid);
        if (plan != null) {
            plan.stop();
        }
    }

    /** Stops every timeline; no more callbacks are scheduled. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.plans.values().forEach(Plan::stop);
            this.plans.clear();
        }
    }

    private void advance(Plan plan, String status, String event) {
        AtomicBoolean moved = new AtomicBoolean();
        Instant now = this.clock.instant();
        this.store.update(plan.accountSid(), TwilioCalls.KIND, plan.callSid(), call -> {
            if (!TwilioCalls.TERMINAL.contains(Json.text(call, "status"))) {
                moved.set(true);
                call.put("status", status);
                call.put("date_updated", TwilioFormat.date(now));
                if (status.equals("in-progress")) {
                    call.put("start_time", TwilioFormat.date(now));
                }
            }
            return call;
        }).filter(call -> moved.get()).ifPresent(call -> notify(plan, event, call));
    }

    private void complete(Plan plan) {
        AtomicBoolean ended = new AtomicBoolean();
        Instant now = this.clock.instant();
        this.store.update(plan.accountSid(), TwilioCalls.KIND, plan.callSid(), call -> {
            ended.set(!TwilioCalls.TERMINAL.contains(Json.text(call, "status")));
            return TwilioCalls.end(call, "completed", now);
        }).filter(call -> ended.get()).ifPresent(call -> finish(plan, call));
    }

    private void finish(Plan plan, ObjectNode call) {
        if (this.plans.remove(plan.callSid(), plan)) {
            plan.stop();
            // Only an answered call has something to record.
            ObjectNode recording = (plan.record() && call.hasNonNull("start_time"))
                    ? this.recordings.record(call, plan.channels(), this.clock.instant()) : null;
            notify(plan, "completed", call, recording);
        }
    }

    private void notify(Plan plan, String event, ObjectNode call) {
        notify(plan, event, call, null);
    }

    /** Sends one status callback if the call asked for this event ({@code completed} is always sent). */
    private void notify(Plan plan, String event, ObjectNode call, @Nullable ObjectNode recording) {
        if (plan.url() == null || (!event.equals("completed") && !plan.events().contains(event))) {
            return;
        }
        String token = this.accounts.authToken(plan.accountSid()).orElse(null);
        if (token == null) {
            return;
        }
        Map<String, String> params = new TreeMap<>();
        String status = event.equals("initiated") ? "initiated" : String.valueOf(Json.text(call, "status"));
        params.put("AccountSid", plan.accountSid());
        params.put("ApiVersion", TwilioFormat.API_VERSION);
        params.put("CallSid", plan.callSid());
        params.put("CallStatus", status);
        params.put("CallbackSource", "call-progress-events");
        params.put("Called", String.valueOf(Json.text(call, "to")));
        params.put("Caller", String.valueOf(Json.text(call, "from")));
        params.put("Direction", "outbound-api");
        params.put("From", String.valueOf(Json.text(call, "from")));
        params.put("To", String.valueOf(Json.text(call, "to")));
        params.put("SequenceNumber", Integer.toString(plan.sequence().getAndIncrement()));
        params.put("Timestamp", TwilioFormat.date(this.clock.instant()));
        if (event.equals("completed")) {
            String seconds = String.valueOf(Json.text(call, "duration"));
            params.put("CallDuration", seconds);
            params.put("Duration", Long.toString((Long.parseLong(seconds) + 59) / 60));
        }
        if (recording != null) {
            params.put("RecordingSid", String.valueOf(Json.text(recording, "sid")));
            params.put("RecordingUrl", String.valueOf(Json.text(recording, "media_url")));
            params.put("RecordingDuration", String.valueOf(Json.text(recording, "duration")));
        }
        this.webhooks.send(plan.url(), plan.method(), params, token);
    }

    /** What one call asked for, and its scheduled steps. */
    private record Plan(String accountSid, String callSid, @Nullable String url, String method, Set<String> events,
            boolean record, int channels, AtomicInteger sequence, AtomicReference<Disposable> steps) {

        Plan(String accountSid, String callSid, @Nullable String url, String method, Set<String> events,
                boolean record, int channels) {
            this(accountSid, callSid, url, method, events, record, channels, new AtomicInteger(),
                    new AtomicReference<>());
        }

        void stop() {
            Disposable scheduled = this.steps.get();
            if (scheduled != null) {
                scheduled.dispose();
            }
        }
    }
}
