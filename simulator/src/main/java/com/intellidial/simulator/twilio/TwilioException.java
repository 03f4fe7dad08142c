package com.intellidial.simulator.twilio;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import tools.jackson.databind.node.ObjectNode;

/** A Twilio error, rendered as v2010's {@code {"code","message","more_info","status"}}. */
final class TwilioException extends RuntimeException {

    private final int status;

    private final int code;

    TwilioException(int status, int code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** 401: missing or wrong credentials. */
    static TwilioException authenticate() {
        return new TwilioException(401, 20003, "Authenticate");
    }

    /** 404 for the path that names no resource. */
    static TwilioException notFound(String path) {
        return new TwilioException(404, 20404, "The requested resource " + path + " was not found");
    }

    /** 400 for a missing or invalid parameter. */
    static TwilioException badRequest(int code, String message) {
        return new TwilioException(400, code, message);
    }

    Reply toReply() {
        ObjectNode body = Json.object();
        body.put("code", this.code);
        body.put("message", getMessage());
        body.put("more_info", "https://www.twilio.com/docs/errors/" + this.code);
        body.put("status", this.status);
        return Reply.json(this.status, body);
    }
}
