package com.intellidial.simulator.twilio;

import com.intellidial.simulator.RecordedRequest;
import com.intellidial.simulator.http.Params;
import com.intellidial.simulator.twilio.TwilioAccounts.Principal;

/** An authenticated Twilio request, with its decoded query and form parameters. */
record TwilioRequest(RecordedRequest request, Principal principal, Params query, Params form) {

    /** The request path, as Twilio quotes it in 404 messages. */
    String path() {
        return this.request.path();
    }

    /** A required form parameter: present and not empty, otherwise a 400 with Twilio's {@code code}. */
    String required(String name, int code, String message) {
        String value = this.form.nonEmpty(name);
        if (value == null) {
            throw TwilioException.badRequest(code, message);
        }
        return value;
    }
}
