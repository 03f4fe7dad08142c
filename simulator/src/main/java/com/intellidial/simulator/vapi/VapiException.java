package com.intellidial.simulator.vapi;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import io.netty.handler.codec.http.HttpResponseStatus;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A VAPI error, rendered in NestJS's shape {@code {"message","error","statusCode"}}. */
final class VapiException extends RuntimeException {

    private final int status;

    private final Object messageValue;

    private VapiException(int status, Object messageValue) {
        super(String.valueOf(messageValue), null, false, false);
        this.status = status;
        this.messageValue = messageValue;
    }

    static VapiException of(int status, String message) {
        return new VapiException(status, message);
    }

    /** A validation failure: NestJS's ValidationPipe reports the messages as an array. */
    static VapiException validation(String message) {
        ArrayNode messages = Json.array().add(message);
        return new VapiException(400, messages);
    }

    static VapiException notFound() {
        return of(404, "Not Found");
    }

    Reply toReply() {
        ObjectNode body = Json.object();
        if (this.messageValue instanceof ArrayNode messages) {
            body.set("message", messages);
        }
        else {
            body.put("message", (String) this.messageValue);
        }
        body.put("error", HttpResponseStatus.valueOf(this.status).reasonPhrase());
        body.put("statusCode", this.status);
        return Reply.json(this.status, body);
    }
}
