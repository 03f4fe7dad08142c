package com.intellidial.simulator.twilio;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /AvailablePhoneNumbers/{CountryCode}/{Local,TollFree,Mobile}.json}: a deterministic number search. */
final class TwilioAvailableNumbers {

    private static final int DEFAULT_RESULTS = 20;

    private final TwilioNumberPool pool;

    TwilioAvailableNumbers(TwilioNumberPool pool) {
        this.pool = pool;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        router.route("GET", accountPath + "/AvailablePhoneNumbers/{CountryCode}/{Type}.json",
                (request, vars) -> search(request, vars.get("CountryCode"), vars.get("Type")));
    }

    private Reply search(TwilioRequest request, String country, String type) {
        int limit = DEFAULT_RESULTS;
        String pageSize = request.query().nonEmpty("PageSize");
        if (pageSize != null) {
            try {
                limit = Math.max(1, Math.min(TwilioPage.MAX_PAGE_SIZE, Integer.parseInt(pageSize)));
            }
            catch (NumberFormatException ex) {
                throw TwilioException.badRequest(20001, "Invalid PageSize: " + pageSize);
            }
        }
        ObjectNode body = Json.object();
        ArrayNode numbers = body.putArray("available_phone_numbers");
        for (TwilioNumberPool.Candidate candidate : this.pool.search(country, type, request.query().nonEmpty("AreaCode"),
                request.query().nonEmpty("Contains"), limit)) {
            ObjectNode number = numbers.addObject();
            number.put("friendly_name", TwilioFormat.formatted(candidate.number()));
            number.put("phone_number", candidate.number());
            number.putNull("lata");
            number.put("locality", candidate.locality());
            number.putNull("rate_center");
            number.putNull("latitude");
            number.putNull("longitude");
            number.put("region", candidate.region());
            number.putNull("postal_code");
            number.put("iso_country", candidate.isoCountry());
            number.put("address_requirements", "none");
            number.put("beta", false);
            ObjectNode capabilities = number.putObject("capabilities");
            capabilities.put("voice", true);
            capabilities.put("SMS", true);
            capabilities.put("MMS", true);
        }
        body.put("uri", request.path());
        return Reply.json(200, body);
    }
}
