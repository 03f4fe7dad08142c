package com.intellidial.simulator.twilio;

import java.time.Instant;
import java.util.List;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /Recordings} and {@code /Calls/{CallSid}/Recordings}: list, fetch and delete the recordings of calls placed
 * with {@code Record=true}, which are made when such a call completes.
 */
final class TwilioRecordings {

    static final String KIND = "recordings";

    private final ResourceStore store;

    TwilioRecordings(ResourceStore store) {
        this.store = store;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        router.route("GET", accountPath + "/Recordings.json",
                (request, vars) -> list(request, vars.get("AccountSid"), request.query().nonEmpty("CallSid")))
            .route("GET", accountPath + "/Calls/{CallSid}/Recordings.json",
                    (request, vars) -> list(request, vars.get("AccountSid"), vars.get("CallSid")))
            .route("GET", accountPath + "/Recordings/{Sid}.json", (request, vars) -> Reply.json(200,
                    this.store.find(vars.get("AccountSid"), KIND, vars.get("Sid"))
                        .orElseThrow(() -> TwilioException.notFound(request.path()))))
            .route("DELETE", accountPath + "/Recordings/{Sid}.json", (request, vars) -> {
                this.store.remove(vars.get("AccountSid"), KIND, vars.get("Sid"))
                    .orElseThrow(() -> TwilioException.notFound(request.path()));
                return Reply.empty(204);
            });
    }

    /** Stores the recording of a completed call: as long as the call, mono or dual channel as it was requested. */
    ObjectNode record(ObjectNode call, int channels, Instant now) {
        String accountSid = String.valueOf(Json.text(call, "account_sid"));
        String sid = TwilioFormat.sid("RE");
        String uri = TwilioFormat.accountPath(accountSid, "/Recordings/" + sid);
        ObjectNode recording = Json.object();
        recording.put("account_sid", accountSid);
        recording.put("api_version", TwilioFormat.API_VERSION);
        recording.set("call_sid", call.get("sid"));
        recording.putNull("conference_sid");
        recording.put("date_created", TwilioFormat.date(now));
        recording.put("date_updated", TwilioFormat.date(now));
        recording.set("start_time", call.get("start_time"));
        recording.set("duration", call.get("duration"));
        recording.put("sid", sid);
        recording.put("price", "-0.0025");
        recording.put("price_unit", "USD");
        recording.put("status", "completed");
        recording.put("channels", channels);
        recording.put("source", "OutboundAPI");
        recording.putNull("error_code");
        recording.put("uri", uri + ".json");
        recording.putNull("encryption_details");
        ObjectNode subresources = recording.putObject("subresource_uris");
        subresources.put("add_on_results", uri + "/AddOnResults.json");
        subresources.put("transcriptions", uri + "/Transcriptions.json");
        recording.put("media_url", "https://api.twilio.com" + uri);
        this.store.insert(accountSid, KIND, sid, recording);
        return recording;
    }

    private Reply list(TwilioRequest request, String accountSid, String callSid) {
        List<ObjectNode> recordings = this.store.list(accountSid, KIND)
            .stream()
            .filter(recording -> callSid == null || callSid.equals(Json.text(recording, "call_sid")))
            .toList();
        return Reply.json(200, TwilioPage.of(KIND, recordings, request.path(), request.query()));
    }
}
