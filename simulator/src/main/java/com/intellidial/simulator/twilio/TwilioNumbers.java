package com.intellidial.simulator.twilio;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /Accounts/{AccountSid}/IncomingPhoneNumbers}: buy (by number or area code), list, fetch, update and
 * release. A number belongs to one account at a time, across all accounts.
 */
final class TwilioNumbers {

    static final String KIND = "incoming_phone_numbers";

    /** The form parameters an update (or purchase) may set, each stored under its snake_case name. */
    private static final List<String> SETTABLE = List.of("FriendlyName", "VoiceUrl", "VoiceMethod",
            "VoiceFallbackUrl", "VoiceFallbackMethod", "VoiceCallerIdLookup", "VoiceApplicationSid", "VoiceReceiveMode",
            "SmsUrl", "SmsMethod", "SmsFallbackUrl", "SmsFallbackMethod", "SmsApplicationSid", "StatusCallback",
            "StatusCallbackMethod", "TrunkSid", "IdentitySid", "AddressSid", "BundleSid", "EmergencyStatus",
            "EmergencyAddressSid");

    private final ResourceStore store;

    private final Clock clock;

    private final Set<String> owned = ConcurrentHashMap.newKeySet();

    private final AtomicInteger nextLine = new AtomicInteger(100);

    TwilioNumbers(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        String collection = accountPath + "/IncomingPhoneNumbers.json";
        String item = accountPath + "/IncomingPhoneNumbers/{Sid}.json";
        router.route("POST", collection, (request, vars) -> buy(request, vars.get("AccountSid")))
            .route("GET", collection, (request, vars) -> list(request, vars.get("AccountSid")))
            .route("GET", item, (request, vars) -> Reply.json(200, this.store.find(vars.get("AccountSid"), KIND,
                    vars.get("Sid")).orElseThrow(() -> TwilioException.notFound(request.path()))))
            .route("POST", item, (request, vars) -> update(request, vars.get("AccountSid"), vars.get("Sid")))
            .route("DELETE", item, (request, vars) -> {
                ObjectNode released = this.store.remove(vars.get("AccountSid"), KIND, vars.get("Sid"))
                    .orElseThrow(() -> TwilioException.notFound(request.path()));
                this.owned.remove(Json.text(released, "phone_number"));
                return Reply.empty(204);
            });
    }

    private Reply buy(TwilioRequest request, String accountSid) {
        String number = request.form().nonEmpty("PhoneNumber");
        String areaCode = request.form().nonEmpty("AreaCode");
        if (number == null && areaCode == null) {
            throw TwilioException.badRequest(21421, "PhoneNumber or AreaCode is required");
        }
        if (number != null) {
            if (!number.matches("\\+\\d{8,15}")) {
                throw TwilioException.badRequest(21421, "PhoneNumber is invalid: " + number);
            }
            if (!this.owned.add(number)) {
                throw TwilioException.badRequest(21422, "PhoneNumber " + number + " is not available");
            }
        }
        else {
            number = claimInAreaCode(areaCode);
        }
        String sid = TwilioFormat.sid("PN");
        String now = TwilioFormat.date(this.clock.instant());
        String uri = TwilioFormat.accountPath(accountSid, "/IncomingPhoneNumbers/" + sid);
        ObjectNode pn = Json.object();
        pn.put("sid", sid);
        pn.put("account_sid", accountSid);
        pn.put("friendly_name", TwilioFormat.formatted(number));
        pn.put("phone_number", number);
        pn.put("voice_url", "");
        pn.put("voice_method", "POST");
        pn.putNull("voice_fallback_url");
        pn.put("voice_fallback_method", "POST");
        pn.put("voice_caller_id_lookup", false);
        pn.putNull("voice_application_sid");
        pn.put("voice_receive_mode", "voice");
        pn.put("date_created", now);
        pn.put("date_updated", now);
        pn.put("sms_url", "");
        pn.put("sms_method", "POST");
        pn.put("sms_fallback_url", "");
        pn.put("sms_fallback_method", "POST");
        pn.put("sms_application_sid", "");
        pn.putNull("status_callback");
        pn.put("status_callback_method", "POST");
        ObjectNode capabilities = pn.putObject("capabilities");
        capabilities.put("voice", true);
        capabilities.put("sms", true);
        capabilities.put("mms", true);
        capabilities.put("fax", false);
        pn.put("beta", false);
        pn.put("api_version", TwilioFormat.API_VERSION);
        pn.putNull("trunk_sid");
        pn.putNull("identity_sid");
        pn.putNull("address_sid");
        pn.putNull("bundle_sid");
        pn.put("address_requirements", "none");
        pn.put("emergency_status", "Inactive");
        pn.putNull("emergency_address_sid");
        pn.put("origin", "twilio");
        pn.put("status", "in-use");
        pn.put("uri", uri + ".json");
        pn.putObject("subresource_uris").put("assigned_add_ons", uri + "/AssignedAddOns.json");
        apply(request, pn);
        this.store.insert(accountSid, KIND, sid, pn);
        return Reply.json(201, pn);
    }

    /** The next free number {@code +1 <area> 555 <line>} in a three-digit US/CA area code. */
    private String claimInAreaCode(String areaCode) {
        if (!areaCode.matches("[2-9]\\d{2}")) {
            throw TwilioException.badRequest(21452, "No phone numbers found in area code " + areaCode);
        }
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String number = "+1" + areaCode + "555" + String.format("%04d", this.nextLine.getAndIncrement() % 10_000);
            if (this.owned.add(number)) {
                return number;
            }
        }
        throw TwilioException.badRequest(21452, "No phone numbers found in area code " + areaCode);
    }

    private Reply list(TwilioRequest request, String accountSid) {
        String number = request.query().nonEmpty("PhoneNumber");
        String friendlyName = request.query().nonEmpty("FriendlyName");
        // PhoneNumber matches any part of the number; '*' is Twilio's wildcard.
        String pattern = (number == null) ? null : number.replace("*", "").trim();
        List<ObjectNode> numbers = this.store.list(accountSid, KIND)
            .stream()
            .filter(pn -> pattern == null || String.valueOf(Json.text(pn, "phone_number")).contains(pattern))
            .filter(pn -> friendlyName == null || friendlyName.equals(Json.text(pn, "friendly_name")))
            .toList();
        return Reply.json(200, TwilioPage.of(KIND, numbers, request.path(), request.query()));
    }

    private Reply update(TwilioRequest request, String accountSid, String sid) {
        String now = TwilioFormat.date(this.clock.instant());
        ObjectNode updated = this.store.update(accountSid, KIND, sid, pn -> {
            apply(request, pn);
            pn.put("date_updated", now);
            return pn;
        }).orElseThrow(() -> TwilioException.notFound(request.path()));
        return Reply.json(200, updated);
    }

    private static void apply(TwilioRequest request, ObjectNode pn) {
        for (String parameter : SETTABLE) {
            String value = request.form().first(parameter);
            if (value != null) {
                String field = parameter.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
                if (parameter.equals("VoiceCallerIdLookup")) {
                    pn.put(field, Boolean.parseBoolean(value));
                }
                else {
                    pn.put(field, value);
                }
            }
        }
    }
}
