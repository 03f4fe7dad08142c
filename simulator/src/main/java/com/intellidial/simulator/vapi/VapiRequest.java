package com.intellidial.simulator.vapi;

import com.intellidial.simulator.RecordedRequest;
import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Params;
import tools.jackson.databind.node.ObjectNode;

/** An authenticated VAPI request: the org the key belongs to, and the decoded query. */
record VapiRequest(RecordedRequest request, String orgId, Params query) {

    /** The body as a JSON object, or a 400 if it is malformed. */
    ObjectNode jsonBody() {
        return Json.readObject(this.request.body())
            .orElseThrow(() -> VapiException.of(400, "Unexpected token in JSON body: expected a JSON object"));
    }
}
