package com.intellidial.simulator.twilio;

import java.time.Clock;
import java.util.List;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.node.ObjectNode;

/** {@code /Accounts/{AccountSid}/Messages}: send (stored as queued), list, fetch, redact and delete. */
final class TwilioMessages {

    static final String KIND = "messages";

    /** Characters per segment of a multi-part GSM-7 message. */
    private static final int SEGMENT = 153;

    private final ResourceStore store;

    private final Clock clock;

    TwilioMessages(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        String item = accountPath + "/Messages/{Sid}.json";
        router.route("POST", accountPath + "/Messages.json", (request, vars) -> create(request, vars.get("AccountSid")))
            .route("GET", accountPath + "/Messages.json", (request, vars) -> list(request, vars.get("AccountSid")))
            .route("GET", item, (request, vars) -> Reply.json(200, this.store.find(vars.get("AccountSid"), KIND,
                    vars.get("Sid")).orElseThrow(() -> TwilioException.notFound(request.path()))))
            .route("POST", item, (request, vars) -> redact(request, vars.get("AccountSid"), vars.get("Sid")))
            .route("DELETE", item, (request, vars) -> {
                this.store.remove(vars.get("AccountSid"), KIND, vars.get("Sid"))
                    .orElseThrow(() -> TwilioException.notFound(request.path()));
                return Reply.empty(204);
            });
    }

    private Reply create(TwilioRequest request, String accountSid) {
        String to = request.required("To", 21604, "A 'To' phone number is required.");
        String from = request.form().nonEmpty("From");
        String service = request.form().nonEmpty("MessagingServiceSid");
        if (from == null && service == null) {
            throw TwilioException.badRequest(21603, "A 'From' phone number is required.");
        }
        String text = request.form().first("Body");
        List<String> media = request.form().all("MediaUrl");
        if ((text == null || text.isEmpty()) && media.isEmpty() && request.form().nonEmpty("ContentSid") == null) {
            throw TwilioException.badRequest(21602, "Message body is required.");
        }
        String body = (text != null) ? text : "";
        String sid = TwilioFormat.sid(media.isEmpty() ? "SM" : "MM");
        String now = TwilioFormat.date(this.clock.instant());
        String uri = TwilioFormat.accountPath(accountSid, "/Messages/" + sid);
        ObjectNode message = Json.object();
        message.put("body", body);
        message.put("num_segments", Integer.toString(Math.max(1, (body.length() + SEGMENT - 1) / SEGMENT)));
        message.put("direction", "outbound-api");
        message.put("from", from);
        message.put("to", to);
        message.put("date_updated", now);
        message.putNull("price");
        message.putNull("error_message");
        message.put("uri", uri + ".json");
        message.put("account_sid", accountSid);
        message.put("num_media", Integer.toString(media.size()));
        // Through a messaging service without a From, Twilio first accepts the message and picks a sender later.
        message.put("status", (from == null) ? "accepted" : "queued");
        message.put("messaging_service_sid", service);
        message.put("sid", sid);
        message.putNull("date_sent");
        message.put("date_created", now);
        message.putNull("error_code");
        message.put("price_unit", "USD");
        message.put("api_version", TwilioFormat.API_VERSION);
        ObjectNode subresources = message.putObject("subresource_uris");
        subresources.put("media", uri + "/Media.json");
        subresources.put("feedback", uri + "/Feedback.json");
        this.store.insert(accountSid, KIND, sid, message);
        return Reply.json(201, message);
    }

    private Reply list(TwilioRequest request, String accountSid) {
        String to = request.query().nonEmpty("To");
        String from = request.query().nonEmpty("From");
        List<ObjectNode> messages = this.store.list(accountSid, KIND)
            .stream()
            .filter(message -> to == null || to.equals(Json.text(message, "to")))
            .filter(message -> from == null || from.equals(Json.text(message, "from")))
            .toList();
        return Reply.json(200, TwilioPage.of(KIND, messages, request.path(), request.query()));
    }

    /** Twilio's update only redacts: {@code Body} must be empty. */
    private Reply redact(TwilioRequest request, String accountSid, String sid) {
        String body = request.form().first("Body");
        if (body == null || !body.isEmpty()) {
            throw TwilioException.badRequest(20001, "Body can only be updated to an empty string");
        }
        String now = TwilioFormat.date(this.clock.instant());
        return Reply.json(200, this.store.update(accountSid, KIND, sid, message -> {
            message.put("body", "");
            message.put("date_updated", now);
            return message;
        }).orElseThrow(() -> TwilioException.notFound(request.path())));
    }
}
