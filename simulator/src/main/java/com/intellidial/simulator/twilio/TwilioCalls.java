package com.intellidial.simulator.twilio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** {@code /Accounts/{AccountSid}/Calls}: create, list, fetch, update (hang up, cancel, redirect) and delete. */
final class TwilioCalls {

    static final String KIND = "calls";

    private static final Set<String> TERMINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private static final Pattern ADDRESS = Pattern.compile("\\+?\\d{3,15}|(client|sip):.+");

    private final ResourceStore store;

    private final Clock clock;

    TwilioCalls(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        router.route("POST", accountPath + "/Calls.json", (request, vars) -> create(request, vars.get("AccountSid")))
            .route("GET", accountPath + "/Calls.json", (request, vars) -> list(request, vars.get("AccountSid")))
            .route("GET", accountPath + "/Calls/{Sid}.json",
                    (request, vars) -> Reply.json(200, find(request, vars.get("AccountSid"), vars.get("Sid"))))
            .route("POST", accountPath + "/Calls/{Sid}.json",
                    (request, vars) -> update(request, vars.get("AccountSid"), vars.get("Sid")))
            .route("DELETE", accountPath + "/Calls/{Sid}.json", (request, vars) -> {
                this.store.remove(vars.get("AccountSid"), KIND, vars.get("Sid"))
                    .orElseThrow(() -> TwilioException.notFound(request.path()));
                return Reply.empty(204);
            });
    }

    private Reply create(TwilioRequest request, String accountSid) {
        String to = request.required("To", 21201, "No 'To' number is specified");
        String from = request.required("From", 21213, "No 'From' number is specified");
        if (!ADDRESS.matcher(to).matches()) {
            throw TwilioException.badRequest(21211, "Invalid 'To' Phone Number: " + to);
        }
        if (request.form().nonEmpty("Url") == null && request.form().nonEmpty("Twiml") == null
                && request.form().nonEmpty("ApplicationSid") == null) {
            throw TwilioException.badRequest(21205, "Url parameter is required. Please provide a Url, Twiml or ApplicationSid.");
        }
        String sid = TwilioFormat.sid("CA");
        String now = TwilioFormat.date(this.clock.instant());
        String uri = TwilioFormat.accountPath(accountSid, "/Calls/" + sid);
        ObjectNode call = Json.object();
        call.put("sid", sid);
        call.put("date_created", now);
        call.put("date_updated", now);
        call.putNull("parent_call_sid");
        call.put("account_sid", accountSid);
        call.put("to", to);
        call.put("to_formatted", TwilioFormat.formatted(to));
        call.put("from", from);
        call.put("from_formatted", TwilioFormat.formatted(from));
        call.put("phone_number_sid", phoneNumberSid(accountSid, from));
        call.put("status", "queued");
        call.putNull("start_time");
        call.putNull("end_time");
        call.putNull("duration");
        call.putNull("price");
        call.put("price_unit", "USD");
        call.put("direction", "outbound-api");
        call.putNull("answered_by");
        call.put("api_version", TwilioFormat.API_VERSION);
        call.putNull("forwarded_from");
        call.putNull("group_sid");
        call.putNull("caller_name");
        call.put("queue_time", "0");
        call.putNull("trunk_sid");
        call.put("uri", uri + ".json");
        ObjectNode subresources = call.putObject("subresource_uris");
        for (String subresource : List.of("Notifications", "Recordings", "Payments", "Events", "Siprec", "Streams",
                "Transcriptions", "UserDefinedMessageSubscriptions", "UserDefinedMessages")) {
            subresources.put(subresource.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(),
                    uri + "/" + subresource + ".json");
        }
        this.store.insert(accountSid, KIND, sid, call);
        return Reply.json(201, call);
    }

    private Reply list(TwilioRequest request, String accountSid) {
        String to = request.query().nonEmpty("To");
        String from = request.query().nonEmpty("From");
        String status = request.query().nonEmpty("Status");
        List<ObjectNode> calls = this.store.list(accountSid, KIND)
            .stream()
            .filter(call -> to == null || to.equals(Json.text(call, "to")))
            .filter(call -> from == null || from.equals(Json.text(call, "from")))
            .filter(call -> status == null || status.equals(Json.text(call, "status")))
            .toList();
        return Reply.json(200, TwilioPage.of("calls", calls, request.path(), request.query()));
    }

    private ObjectNode find(TwilioRequest request, String accountSid, String sid) {
        return this.store.find(accountSid, KIND, sid).orElseThrow(() -> TwilioException.notFound(request.path()));
    }

    private Reply update(TwilioRequest request, String accountSid, String sid) {
        ObjectNode current = find(request, accountSid, sid);
        String status = request.form().nonEmpty("Status");
        if (status != null && !status.equals("completed") && !status.equals("canceled")) {
            throw TwilioException.badRequest(21218, "Invalid value for Status: " + status);
        }
        boolean redirect = request.form().nonEmpty("Url") != null || request.form().nonEmpty("Twiml") != null;
        if (redirect && status == null && TERMINAL.contains(Json.text(current, "status"))) {
            throw TwilioException.badRequest(21220, "Call is not in-progress. Cannot redirect.");
        }
        if (status == null) {
            return Reply.json(200, current);
        }
        Instant now = this.clock.instant();
        ObjectNode updated = this.store.update(accountSid, KIND, sid, call -> end(call, status, now))
            .orElseThrow(() -> TwilioException.notFound(request.path()));
        return Reply.json(200, updated);
    }

    /**
     * Ends a live call: {@code completed} hangs up any live call, {@code canceled} only affects a call that is not
     * answered yet (queued or ringing); a call that already ended is left as it is.
     */
    private static ObjectNode end(ObjectNode call, String status, Instant now) {
        String current = Json.text(call, "status");
        boolean answered = "in-progress".equals(current);
        if (TERMINAL.contains(current) || (status.equals("canceled") && answered)) {
            return call;
        }
        String startTime = Json.text(call, "start_time");
        long seconds = (startTime == null) ? 0
                : Duration.between(TwilioFormat.parseDate(startTime), now).toSeconds();
        call.put("status", status);
        call.put("end_time", TwilioFormat.date(now));
        call.put("duration", Long.toString(Math.max(0, seconds)));
        call.put("date_updated", TwilioFormat.date(now));
        return call;
    }

    private @Nullable String phoneNumberSid(String accountSid, String number) {
        return this.store.list(accountSid, TwilioNumbers.KIND)
            .stream()
            .filter(pn -> number.equals(Json.text(pn, "phone_number")))
            .map(pn -> Json.text(pn, "sid"))
            .findFirst()
            .orElse(null);
    }
}
