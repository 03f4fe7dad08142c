package com.intellidial.gateway.provisioning;

import java.net.URL;

import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;

/**
 * The one twilio-java HTTP client of the gateway, over one shared connection pool. It sends every
 * request to the configured Twilio base URL (twilio-java has no such setting), keeping path and
 * query string, and never retries anything but GET: twilio-java retries every method on 5xx,
 * which would place a call or buy a number up to three times.
 */
final class TwilioHttpClient extends HttpClient {

    private final HttpClient delegate;

    private final String baseUrl;

    TwilioHttpClient(HttpClient delegate, String baseUrl) {
        this.delegate = delegate;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        if (request.getMethod() != HttpMethod.GET) {
            return makeRequest(request);
        }
        return super.reliableRequest(request, retryCodes, retries, delayMillis);
    }

    @Override
    public Response makeRequest(Request request) {
        URL url = request.constructURL();
        // Absolute page URLs (next_page_uri) carry their query in the URL, not in the query params.
        String query = (request.getQueryParams().isEmpty() && url.getQuery() != null) ? "?" + url.getQuery() : "";
        Request rebased = new Request(request.getMethod(), this.baseUrl + url.getPath() + query);
        request.getQueryParams().forEach((name, values) -> values.forEach((value) -> rebased.addQueryParam(name, value)));
        request.getPostParams().forEach((name, values) -> values.forEach((value) -> rebased.addPostParam(name, value)));
        request.getHeaderParams().forEach((name, values) -> values.forEach((value) -> rebased.addHeaderParam(name, value)));
        if (request.getContentType() != null) {
            rebased.setContentType(request.getContentType());
        }
        if (request.getBody() != null) {
            rebased.setBody(request.getBody());
        }
        if (request.getUsername() != null) {
            rebased.setAuth(request.getUsername(), request.getPassword());
        }
        return this.delegate.makeRequest(rebased);
    }
}
