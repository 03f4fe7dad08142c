package com.intellidial.gateway.isolation;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * A Twilio {@code application/x-www-form-urlencoded} request body, in order and with repeated keys
 * ({@code StatusCallbackEvent=initiated&StatusCallbackEvent=ringing}), that can be changed and
 * encoded again.
 */
final class TwilioForm {

    private final Map<String, List<String>> fields;

    private TwilioForm(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    static TwilioForm parse(String body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (!body.isEmpty()) {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                    String value = (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                    fields.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
                }
                catch (IllegalArgumentException ex) {
                    throw new GatewayException(ProblemType.MALFORMED_REQUEST, "The form body is not validly encoded");
                }
            }
        }
        return new TwilioForm(fields);
    }

    /** The first value of a field, or {@code null}. */
    @Nullable String first(String name) {
        List<String> values = this.fields.get(name);
        return (values == null || values.isEmpty()) ? null : values.get(0);
    }

    boolean has(String name) {
        return this.fields.containsKey(name);
    }

    void set(String name, String value) {
        this.fields.put(name, new ArrayList<>(List.of(value)));
    }

    String encode() {
        StringJoiner body = new StringJoiner("&");
        this.fields.forEach((name, values) -> values.forEach((value) -> body
            .add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))));
        return body.toString();
    }
}
